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
//   arrival per trace prefix, one CALL subquery per step. Performance: traces are
//   carried as lists of uids in parallel lists (last account, arrival time) and grouped
//   by their position, not by the list; the last step keeps distinct (trace, account)
//   pairs and their uids only (no arrival time is needed after it); the time rule is
//   tested in the expansion; only accounts with more transfers than truncationLimit are
//   sorted (a prepass per step).
//   The degree comes from the store (COUNT {} here; outdegree()/indegree() in the
//   .falkordb.cypher sibling, which differs only there).
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
  RETURN collect([a.uid]) AS p0, collect(a) AS m0, collect($startTime) AS t0
}
CALL {
  WITH m0
  UNWIND m0 AS m
  WITH DISTINCT m
  WITH m, COUNT { (m)-[:TRANSFERRED_TO]->() } AS degree
  WHERE degree > $truncationLimit
  MATCH (m)-[e:TRANSFERRED_TO]->(:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, collect(e)[0..$truncationLimit] AS keep
  UNWIND keep AS e
  RETURN collect(DISTINCT m) AS bigM, collect(e) AS keepE
}
CALL {
  WITH p0, m0, t0, bigM, keepE
  UNWIND range(0, size(m0) - 1) AS j
  WITH j, m0[j] AS m, t0[j] AS tm, p0[j] AS path, bigM, keepE
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE) AND NOT n.uid IN path
  WITH j, n, min(e.ts) AS t
  RETURN collect(j) AS j1, collect(n) AS m1, collect(t) AS t1
}
WITH p, m1, t1, [i IN range(0, size(j1) - 1) | p0[j1[i]] + m1[i].uid] AS p1
CALL {
  WITH m1
  UNWIND m1 AS m
  WITH DISTINCT m
  WITH m, COUNT { (m)-[:TRANSFERRED_TO]->() } AS degree
  WHERE degree > $truncationLimit
  MATCH (m)-[e:TRANSFERRED_TO]->(:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, collect(e)[0..$truncationLimit] AS keep
  UNWIND keep AS e
  RETURN collect(DISTINCT m) AS bigM, collect(e) AS keepE
}
CALL {
  WITH p1, m1, t1, bigM, keepE
  UNWIND range(0, size(m1) - 1) AS j
  WITH j, m1[j] AS m, t1[j] AS tm, p1[j] AS path, bigM, keepE
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE) AND NOT n.uid IN path
  WITH j, n, min(e.ts) AS t
  RETURN collect(j) AS j2, collect(n) AS m2, collect(t) AS t2
}
WITH p, p1, m2, t2, [i IN range(0, size(j2) - 1) | p1[j2[i]] + m2[i].uid] AS p2
CALL {
  WITH m2
  UNWIND m2 AS m
  WITH DISTINCT m
  WITH m, COUNT { (m)-[:TRANSFERRED_TO]->() } AS degree
  WHERE degree > $truncationLimit
  MATCH (m)-[e:TRANSFERRED_TO]->(:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, collect(e)[0..$truncationLimit] AS keep
  UNWIND keep AS e
  RETURN collect(DISTINCT m) AS bigM, collect(e) AS keepE
}
CALL {
  WITH p2, m2, t2, bigM, keepE
  UNWIND range(0, size(m2) - 1) AS j
  WITH j, m2[j] AS m, t2[j] AS tm, p2[j] AS path, bigM, keepE
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE) AND NOT n.uid IN path
  WITH DISTINCT j, n
  RETURN collect(j) AS j3, collect(n.uid) AS u3
}
WITH p, p1, p2, [i IN range(0, size(j3) - 1) | p2[j3[i]] + u3[i]] AS p3
UNWIND p1 + p2 + p3 AS path
RETURN path, size(path) - 1 AS pathLength, [p.uid] + path AS members
