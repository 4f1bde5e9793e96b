// ---
// id: finbench.tcr5_exact_transfer_trace
// version: 1
// title: {zh: 本人账户出发的资金流转路径, en: "FinBench TCR5: exact account transfer trace"}
// description: >
//   LDBC FinBench transaction complex read 5. Every transfer trace of 1 to 3 hops that
//   starts at an account the person owns, with strictly ascending timestamps inside
//   (startTime, endTime) and no account repeated; parallel transfers between the same
//   two accounts give the same trace (one row per sequence of accounts). Truncation:
//   at each step each account's transfers inside the window are sorted by timestamp
//   and cut to truncationLimit before the ascending-time rule. Evaluated by earliest
//   arrival per trace prefix, one CALL subquery per step.
// legal_basis: [刑法 191 洗钱罪, 刑法 312 掩饰、隐瞒犯罪所得、犯罪所得收益罪]
// params:
//   id: {type: string, description: uid of the Person}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
//   truncationLimit: {type: int, default: 1000000, min: 1}
//   truncationOrder: {type: string, default: TIMESTAMP_DESCENDING, choices: [TIMESTAMP_ASCENDING, TIMESTAMP_DESCENDING]}
// returns: [path, pathLength, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, trace]
// members: members
// score: pathLength
// explain_zh: "资金自该自然人名下账户按时间顺序经 {pathLength} 跳流转：{path}。"
// ---
MATCH (p:Entity:Person {uid: $id})
CALL {
  WITH p
  MATCH (p)-[:OWNS]->(a:BankAccount)
  RETURN collect([[a], $startTime]) AS p0
}
CALL {
  WITH p0
  UNWIND p0 AS y
  WITH y[0] AS path, y[1] AS tm
  WITH path, tm, path[size(path) - 1] AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH path, tm, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH path, tm, [x IN collect([n, e.ts])[0..$truncationLimit] WHERE x[1] > tm] AS c
  UNWIND c AS x
  WITH path, x[0] AS n, min(x[1]) AS t
  WHERE NOT n IN path
  RETURN collect([path + [n], t]) AS p1
}
CALL {
  WITH p1
  UNWIND p1 AS y
  WITH y[0] AS path, y[1] AS tm
  WITH path, tm, path[size(path) - 1] AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH path, tm, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH path, tm, [x IN collect([n, e.ts])[0..$truncationLimit] WHERE x[1] > tm] AS c
  UNWIND c AS x
  WITH path, x[0] AS n, min(x[1]) AS t
  WHERE NOT n IN path
  RETURN collect([path + [n], t]) AS p2
}
CALL {
  WITH p2
  UNWIND p2 AS y
  WITH y[0] AS path, y[1] AS tm
  WITH path, tm, path[size(path) - 1] AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH path, tm, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH path, tm, [x IN collect([n, e.ts])[0..$truncationLimit] WHERE x[1] > tm] AS c
  UNWIND c AS x
  WITH path, x[0] AS n, min(x[1]) AS t
  WHERE NOT n IN path
  RETURN collect([path + [n], t]) AS p3
}
UNWIND p1 + p2 + p3 AS tr
WITH p, [a IN tr[0] | a.uid] AS path
RETURN path, size(path) - 1 AS pathLength, [p.uid] + path AS members
