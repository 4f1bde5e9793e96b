// ---
// id: finbench.tcr8_loan_fund_trace
// version: 1
// title: {zh: 贷款发放后的资金流向追踪, en: "FinBench TCR8: transfer trace after loan applied"}
// description: >
//   LDBC FinBench transaction complex read 8, as read here (the spec leaves details
//   open): the loan's deposits inside (startTime, endTime) give each deposit account its
//   upstream amount; then for at most 3 steps every transfer or withdrawal inside the
//   window whose amount exceeds threshold x the upstream amount of its source account
//   (the total of the traced edges into that account at the previous step) is followed.
//   Each reached account is reported once, at its smallest distance from the loan (the
//   deposit account is at 1, so 2..4), with ratio = traced inflow at that distance /
//   loan amount (3 decimals). No time order along the trace. Truncation per account
//   and step on its outgoing transfers and withdrawals inside the window (sorted by
//   timestamp, truncationOrder) before the threshold test. Performance: the threshold
//   is tested in the expansion itself; only accounts with more outgoing edges than
//   truncationLimit are sorted (a prepass per step lists the edges they keep); the
//   smallest distance is kept by dropping, from each step's accounts, those reached at
//   an earlier one (no sort and regrouping of all reached accounts).
//   The degree comes from the store (COUNT {} here; outdegree()/indegree() in the
//   .falkordb.cypher sibling, which differs only there).
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪, 刑法 186 违法发放贷款罪]
// inferred: true
// params:
//   id: {type: string, description: uid of the LoanAccount}
//   threshold: {type: float, default: 0, min: 0}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
//   truncationLimit: {type: int, default: 1000000, min: 1}
//   truncationOrder: {type: string, default: TIMESTAMP_DESCENDING, choices: [TIMESTAMP_ASCENDING, TIMESTAMP_DESCENDING]}
// returns: [dst, ratio, minDistanceFromLoan, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, loans, trace]
// members: members
// score: ratio
// explain_zh: "贷款资金在 {minDistanceFromLoan} 跳内流入账户 {dst}，流入金额为贷款金额的 {ratio} 倍。"
// ---
MATCH (loan:Entity:LoanAccount {uid: $id})
CALL {
  WITH loan
  MATCH (loan)-[d:DEPOSITED_TO]->(a:BankAccount)
  WHERE d.ts > $startTime AND d.ts < $endTime
  WITH a, sum(d.amount) AS inflow
  RETURN collect(a) AS m0, collect(inflow) AS u0
}
CALL {
  WITH m0
  UNWIND m0 AS m
  WITH DISTINCT m
  WITH m, COUNT { (m)-[:TRANSFERRED_TO|WITHDREW_TO]->() } AS degree
  WHERE degree > $truncationLimit
  MATCH (m)-[e:TRANSFERRED_TO|WITHDREW_TO]->(:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, collect(e)[0..$truncationLimit] AS keep
  UNWIND keep AS e
  RETURN collect(DISTINCT m) AS bigM, collect(e) AS keepE
}
CALL {
  WITH m0, u0, bigM, keepE
  UNWIND range(0, size(m0) - 1) AS j
  WITH m0[j] AS m, u0[j] AS up, bigM, keepE
  MATCH (m)-[e:TRANSFERRED_TO|WITHDREW_TO]->(n:BankAccount)
  WHERE e.amount > $threshold * up AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE)
  WITH n, sum(e.amount) AS inflow
  RETURN collect(n) AS m1, collect(inflow) AS u1
}
WITH loan, m1, u1
CALL {
  WITH m1
  UNWIND m1 AS m
  WITH DISTINCT m
  WITH m, COUNT { (m)-[:TRANSFERRED_TO|WITHDREW_TO]->() } AS degree
  WHERE degree > $truncationLimit
  MATCH (m)-[e:TRANSFERRED_TO|WITHDREW_TO]->(:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, collect(e)[0..$truncationLimit] AS keep
  UNWIND keep AS e
  RETURN collect(DISTINCT m) AS bigM, collect(e) AS keepE
}
CALL {
  WITH m1, u1, bigM, keepE
  UNWIND range(0, size(m1) - 1) AS j
  WITH m1[j] AS m, u1[j] AS up, bigM, keepE
  MATCH (m)-[e:TRANSFERRED_TO|WITHDREW_TO]->(n:BankAccount)
  WHERE e.amount > $threshold * up AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE)
  WITH n, sum(e.amount) AS inflow
  RETURN collect(n) AS m2, collect(inflow) AS u2
}
WITH loan, m1, u1, m2, u2
CALL {
  WITH m2
  UNWIND m2 AS m
  WITH DISTINCT m
  WITH m, COUNT { (m)-[:TRANSFERRED_TO|WITHDREW_TO]->() } AS degree
  WHERE degree > $truncationLimit
  MATCH (m)-[e:TRANSFERRED_TO|WITHDREW_TO]->(:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, collect(e)[0..$truncationLimit] AS keep
  UNWIND keep AS e
  RETURN collect(DISTINCT m) AS bigM, collect(e) AS keepE
}
CALL {
  WITH m2, u2, bigM, keepE
  UNWIND range(0, size(m2) - 1) AS j
  WITH m2[j] AS m, u2[j] AS up, bigM, keepE
  MATCH (m)-[e:TRANSFERRED_TO|WITHDREW_TO]->(n:BankAccount)
  WHERE e.amount > $threshold * up AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE)
  WITH n, sum(e.amount) AS inflow
  RETURN collect(n) AS m3, collect(inflow) AS u3
}
WITH loan, [i IN range(0, size(m1) - 1) | [m1[i], 2, u1[i]]] +
       [i IN range(0, size(m2) - 1) WHERE NOT m2[i] IN m1 | [m2[i], 3, u2[i]]] +
       [i IN range(0, size(m3) - 1) WHERE NOT m3[i] IN m1 AND NOT m3[i] IN m2 | [m3[i], 4, u3[i]]] AS reached
UNWIND reached AS z
WITH loan, z[0] AS dst, z[1] AS dist, z[2] AS inflow
RETURN dst.uid AS dst, round(inflow / loan.amount * 1000) / 1000.0 AS ratio, dist AS minDistanceFromLoan,
       [loan.uid, dst.uid] AS members
