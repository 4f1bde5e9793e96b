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
//   timestamp, truncationOrder) before the threshold test.
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
  RETURN collect([a, inflow]) AS l0
}
CALL {
  WITH l0
  UNWIND l0 AS y
  WITH y[0] AS m, y[1] AS up
  MATCH (m)-[e:TRANSFERRED_TO|WITHDREW_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, up, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, up, [x IN collect([n, e.amount])[0..$truncationLimit] WHERE x[1] > $threshold * up] AS c
  UNWIND c AS x
  WITH x[0] AS n, sum(x[1]) AS inflow
  RETURN collect([n, inflow]) AS l1
}
CALL {
  WITH l1
  UNWIND l1 AS y
  WITH y[0] AS m, y[1] AS up
  MATCH (m)-[e:TRANSFERRED_TO|WITHDREW_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, up, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, up, [x IN collect([n, e.amount])[0..$truncationLimit] WHERE x[1] > $threshold * up] AS c
  UNWIND c AS x
  WITH x[0] AS n, sum(x[1]) AS inflow
  RETURN collect([n, inflow]) AS l2
}
CALL {
  WITH l2
  UNWIND l2 AS y
  WITH y[0] AS m, y[1] AS up
  MATCH (m)-[e:TRANSFERRED_TO|WITHDREW_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, up, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, up, [x IN collect([n, e.amount])[0..$truncationLimit] WHERE x[1] > $threshold * up] AS c
  UNWIND c AS x
  WITH x[0] AS n, sum(x[1]) AS inflow
  RETURN collect([n, inflow]) AS l3
}
CALL {
  WITH l1, l2, l3
  UNWIND [x IN l1 | [x[0], x[1], 2]] + [x IN l2 | [x[0], x[1], 3]] + [x IN l3 | [x[0], x[1], 4]] AS z
  WITH z[0] AS n, z[2] AS dist, z[1] AS inflow
  ORDER BY dist
  WITH n, collect([dist, inflow])[0] AS best
  RETURN collect([n, best[0], best[1]]) AS reached
}
UNWIND reached AS r
WITH loan, r[0] AS dst, r[1] AS dist, r[2] AS inflow
RETURN dst.uid AS dst, round(inflow / loan.amount * 1000) / 1000.0 AS ratio, dist AS minDistanceFromLoan,
       [loan.uid, dst.uid] AS members
