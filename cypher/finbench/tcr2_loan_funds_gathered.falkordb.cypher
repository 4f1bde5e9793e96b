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
//   Performance: the time rule is tested in the expansion itself; only accounts with
//   more incoming transfers than truncationLimit are sorted (a prepass per step); the
//   reached accounts are deduplicated once, then each one's distinct loans summed once
//   (no person or layer lists carried into those rows). The degree: COUNT {} here;
//   in the .falkordb.cypher sibling, which differs only there, a count of the traversed
//   edges (FalkorDB's indegree() cost ~50 us per hub account).
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
  RETURN collect(acc) AS m0, collect($endTime) AS t0
}
CALL {
  WITH m0
  UNWIND m0 AS m
  WITH DISTINCT m
  MATCH (m)<-[x:TRANSFERRED_TO]-()
  WITH m, count(x) AS degree
  WHERE degree > $truncationLimit
  MATCH (m)<-[e:TRANSFERRED_TO]-(:BankAccount)
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
  MATCH (m)<-[e:TRANSFERRED_TO]-(n:BankAccount)
  WHERE e.ts < tm AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE)
  WITH n, max(e.ts) AS t
  RETURN collect(n) AS m1, collect(t) AS t1
}
WITH p, m1, t1
CALL {
  WITH m1
  UNWIND m1 AS m
  WITH DISTINCT m
  MATCH (m)<-[x:TRANSFERRED_TO]-()
  WITH m, count(x) AS degree
  WHERE degree > $truncationLimit
  MATCH (m)<-[e:TRANSFERRED_TO]-(:BankAccount)
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
  MATCH (m)<-[e:TRANSFERRED_TO]-(n:BankAccount)
  WHERE e.ts < tm AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE)
  WITH n, max(e.ts) AS t
  RETURN collect(n) AS m2, collect(t) AS t2
}
WITH p, m1, t1, m2, t2
CALL {
  WITH m2
  UNWIND m2 AS m
  WITH DISTINCT m
  MATCH (m)<-[x:TRANSFERRED_TO]-()
  WITH m, count(x) AS degree
  WHERE degree > $truncationLimit
  MATCH (m)<-[e:TRANSFERRED_TO]-(:BankAccount)
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
  MATCH (m)<-[e:TRANSFERRED_TO]-(n:BankAccount)
  WHERE e.ts < tm AND e.ts > $startTime AND e.ts < $endTime AND (NOT m IN bigM OR e IN keepE)
  WITH DISTINCT n
  RETURN collect(n) AS m3
}
WITH m1 + m2 + m3 AS reached
UNWIND reached AS other
WITH DISTINCT other
MATCH (loan:LoanAccount)-[d:DEPOSITED_TO]->(other)
WHERE d.ts > $startTime AND d.ts < $endTime
WITH DISTINCT other, loan
WITH other, sum(loan.amount) AS amt, sum(loan.balance) AS bal, count(loan) AS numLoans
RETURN other.uid AS other, round(amt * 1000) / 1000.0 AS sumLoanAmount, round(bal * 1000) / 1000.0 AS sumLoanBalance,
       numLoans, [$id, other.uid] AS members
