// ---
// id: finbench.tcr2_loan_funds_gathered
// version: 1
// title: {zh: 贷款资金经多跳汇入本人账户, en: "FinBench TCR2: fund gathered from accounts applying loans"}
// description: >
//   LDBC FinBench transaction complex read 2. From the accounts a person owns, go back
//   upstream over transfers for at most 3 hops, timestamps strictly ascending from
//   upstream to downstream and inside (startTime, endTime); for every upstream account
//   that received loan deposits inside the window, sum the distinct loans' amount and
//   balance. Truncation per account and step on its incoming transfers inside the
//   window (sorted by timestamp, truncationOrder), before the ascending-time rule.
//   Evaluated by latest departure per account and step, one CALL subquery per step.
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪]
// params:
//   id: {type: string, description: uid of the Person}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
//   truncationLimit: {type: int, default: 1000000, min: 1}
//   truncationOrder: {type: string, default: TIMESTAMP_DESCENDING, choices: [TIMESTAMP_ASCENDING, TIMESTAMP_DESCENDING]}
// returns: [other, sumLoanAmount, sumLoanBalance, numLoans, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, loans]
// members: members
// score: sumLoanAmount
// explain_zh: "账户 {other} 收到 {numLoans} 笔贷款发放（合计 {sumLoanAmount} 元），资金经不超过 3 跳时间递增的转账流入该自然人名下账户。"
// ---
MATCH (p:Entity:Person {uid: $id})
CALL {
  WITH p
  MATCH (p)-[:OWNS]->(acc:BankAccount)
  RETURN collect([acc, $endTime]) AS l0
}
CALL {
  WITH l0
  UNWIND l0 AS y
  WITH y[0] AS m, y[1] AS tm
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, tm, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, tm, [x IN collect([n, e.ts])[0..$truncationLimit] WHERE x[1] < tm] AS c
  UNWIND c AS x
  WITH x[0] AS n, max(x[1]) AS t
  RETURN collect([n, t]) AS l1
}
CALL {
  WITH l1
  UNWIND l1 AS y
  WITH y[0] AS m, y[1] AS tm
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, tm, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, tm, [x IN collect([n, e.ts])[0..$truncationLimit] WHERE x[1] < tm] AS c
  UNWIND c AS x
  WITH x[0] AS n, max(x[1]) AS t
  RETURN collect([n, t]) AS l2
}
CALL {
  WITH l2
  UNWIND l2 AS y
  WITH y[0] AS m, y[1] AS tm
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  WITH m, tm, n, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
  WITH m, tm, [x IN collect([n, e.ts])[0..$truncationLimit] WHERE x[1] < tm] AS c
  UNWIND c AS x
  WITH DISTINCT x[0] AS n
  RETURN collect(n) AS l3
}
CALL {
  WITH l1, l2, l3
  UNWIND [x IN l1 | x[0]] + [x IN l2 | x[0]] + l3 AS other
  WITH DISTINCT other
  RETURN collect(other) AS reached
}
UNWIND reached AS other
MATCH (loan:LoanAccount)-[d:DEPOSITED_TO]->(other)
WHERE d.ts > $startTime AND d.ts < $endTime
WITH p, other, loan, count(d) AS deposits
WITH p, other, sum(loan.amount) AS amt, sum(loan.balance) AS bal, count(loan) AS numLoans
RETURN other.uid AS other, round(amt * 1000) / 1000.0 AS sumLoanAmount, round(bal * 1000) / 1000.0 AS sumLoanBalance,
       numLoans, [p.uid, other.uid] AS members
