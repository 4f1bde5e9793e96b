// ---
// id: finbench.tcr1_blocked_medium_accounts
// version: 1
// title: {zh: 与被冻结介质登录账户的资金关联, en: "FinBench TCR1: blocked medium related accounts"}
// description: >
//   LDBC FinBench transaction complex read 1. From an account, follow transfers for at
//   most 3 hops with strictly ascending timestamps, every transfer strictly inside
//   (startTime, endTime); report each reached account signed in (inside the window) by
//   a blocked medium, with its smallest distance. Truncation: at each step and for each
//   account, its transfers inside the window are sorted by timestamp (truncationOrder)
//   and only the first truncationLimit are followed; the ascending-time rule applies
//   after that. Evaluated by earliest arrival per account and step (the same accounts
//   and distances as enumerating paths), one CALL subquery per step so that earlier
//   layers are not copied into every row of the next.
// legal_basis: [刑法 191 洗钱罪, 刑法 287-2 帮助信息网络犯罪活动罪]
// params:
//   id: {type: string, description: uid of the start BankAccount}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
//   truncationLimit: {type: int, default: 1000000, min: 1}
//   truncationOrder: {type: string, default: TIMESTAMP_DESCENDING, choices: [TIMESTAMP_ASCENDING, TIMESTAMP_DESCENDING]}
// returns: [other, accountDistance, medium, mediumType, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, aml]
// members: members
// score: 0 - accountDistance
// explain_zh: "账户 {other} 与起点账户之间存在 {accountDistance} 跳时间递增的转账链，且被冻结介质 {medium}（{mediumType}）登录过。"
// ---
MATCH (src:Entity:BankAccount {uid: $id})
CALL {
  WITH src
  MATCH (src)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH collect([n, e.ts])[0..$truncationLimit] AS c
  UNWIND c AS x
  WITH x[0] AS n, min(x[1]) AS t
  RETURN collect([n, t]) AS l1
}
CALL {
  WITH l1
  UNWIND l1 AS y
  WITH y[0] AS m, y[1] AS tm
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, tm, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, tm, [x IN collect([n, e.ts])[0..$truncationLimit] WHERE x[1] > tm] AS c
  UNWIND c AS x
  WITH x[0] AS n, min(x[1]) AS t
  RETURN collect([n, t]) AS l2
}
CALL {
  WITH l2
  UNWIND l2 AS y
  WITH y[0] AS m, y[1] AS tm
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, tm, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, tm, [x IN collect([n, e.ts])[0..$truncationLimit] WHERE x[1] > tm] AS c
  UNWIND c AS x
  WITH DISTINCT x[0] AS n
  RETURN collect(n) AS l3
}
CALL {
  WITH l1, l2, l3
  UNWIND [x IN l1 | [x[0], 1]] + [x IN l2 | [x[0], 2]] + [x IN l3 | [x, 3]] AS z
  WITH z[0] AS other, min(z[1]) AS accountDistance
  RETURN collect([other, accountDistance]) AS reached
}
UNWIND reached AS r
WITH src, r[0] AS other, r[1] AS accountDistance
WHERE other <> src
MATCH (med:Medium)-[s:SIGNED_IN]->(other)
WHERE med.is_blocked = true AND s.ts > $startTime AND s.ts < $endTime
RETURN DISTINCT other.uid AS other, accountDistance, med.uid AS medium, med.medium_type AS mediumType,
       [src.uid, other.uid, med.uid] AS members
