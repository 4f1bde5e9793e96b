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
//   layers are not copied into every row of the next. Performance: the ascending-time
//   rule is tested in the expansion itself; only accounts with more transfers than
//   truncationLimit are sorted (a prepass per step lists the transfers they keep). The
//   blocked-medium test comes before the smallest distance is taken, so that only the
//   few accounts a blocked medium signed in to are grouped.
//   The degree comes from the store (COUNT {} here; outdegree()/indegree() in the
//   .falkordb.cypher sibling, which differs only there).
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
WITH src, [src] AS m0, [$startTime] AS t0
CALL {
  WITH m0
  UNWIND m0 AS m
  WITH DISTINCT m
  WITH m, outdegree(m, 'TRANSFERRED_TO') AS degree
  WHERE degree > $truncationLimit
  MATCH (m)-[e:TRANSFERRED_TO]->(:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, collect(e)[0..$truncationLimit] AS keep
  UNWIND keep AS e
  RETURN collect(DISTINCT m) AS bigM, collect(e) AS keepE
}
CALL {
  WITH m0, t0, bigM, keepE
  UNWIND range(0, size(m0) - 1) AS j
  WITH m0[j] AS m, t0[j] AS tm, bigM, keepE
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE)
  WITH n, min(e.ts) AS t
  RETURN collect(n) AS m1, collect(t) AS t1
}
WITH src, m1, t1
CALL {
  WITH m1
  UNWIND m1 AS m
  WITH DISTINCT m
  WITH m, outdegree(m, 'TRANSFERRED_TO') AS degree
  WHERE degree > $truncationLimit
  MATCH (m)-[e:TRANSFERRED_TO]->(:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, collect(e)[0..$truncationLimit] AS keep
  UNWIND keep AS e
  RETURN collect(DISTINCT m) AS bigM, collect(e) AS keepE
}
CALL {
  WITH m1, t1, bigM, keepE
  UNWIND range(0, size(m1) - 1) AS j
  WITH m1[j] AS m, t1[j] AS tm, bigM, keepE
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE)
  WITH n, min(e.ts) AS t
  RETURN collect(n) AS m2, collect(t) AS t2
}
WITH src, m1, t1, m2, t2
CALL {
  WITH m2
  UNWIND m2 AS m
  WITH DISTINCT m
  WITH m, outdegree(m, 'TRANSFERRED_TO') AS degree
  WHERE degree > $truncationLimit
  MATCH (m)-[e:TRANSFERRED_TO]->(:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, collect(e)[0..$truncationLimit] AS keep
  UNWIND keep AS e
  RETURN collect(DISTINCT m) AS bigM, collect(e) AS keepE
}
CALL {
  WITH m2, t2, bigM, keepE
  UNWIND range(0, size(m2) - 1) AS j
  WITH m2[j] AS m, t2[j] AS tm, bigM, keepE
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE)
  WITH DISTINCT n
  RETURN collect(n) AS m3
}
WITH src, [x IN m1 | [x, 1]] + [x IN m2 | [x, 2]] + [x IN m3 | [x, 3]] AS reached
UNWIND reached AS z
WITH src, z[0] AS other, z[1] AS dist
WHERE other <> src
MATCH (med:Medium)-[s:SIGNED_IN]->(other)
WHERE med.is_blocked = true AND s.ts > $startTime AND s.ts < $endTime
WITH src, other, med, min(dist) AS accountDistance
RETURN other.uid AS other, accountDistance, med.uid AS medium, med.medium_type AS mediumType,
       [src.uid, other.uid, med.uid] AS members
