// ---
// id: finbench.tcr9_loan_laundering_ratios
// version: 1
// title: {zh: 涉贷资金进出比例, en: "FinBench TCR9: money laundering with loan involved"}
// description: >
//   LDBC FinBench transaction complex read 9. For one account, inside (startTime,
//   endTime) and above threshold: loan deposits in (edge1), repayments out (edge2),
//   transfers in (edge3) and out (edge4), each truncated to truncationLimit by
//   timestamp. ratioRepay = edge1/edge2 (-1 without edge2), ratioDeposit = edge1/edge4
//   and ratioTransfer = edge3/edge4 (-1 without edge4), rounded to 3 decimals.
// legal_basis: [刑法 191 洗钱罪, 刑法 193 贷款诈骗罪, 刑法 175-1 骗取贷款罪]
// params:
//   id: {type: string, description: uid of the BankAccount}
//   threshold: {type: float, default: 0, min: 0}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
//   truncationLimit: {type: int, default: 1000000, min: 1}
//   truncationOrder: {type: string, default: TIMESTAMP_DESCENDING, choices: [TIMESTAMP_ASCENDING, TIMESTAMP_DESCENDING]}
// returns: [account, ratioRepay, ratioDeposit, ratioTransfer, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, loans]
// members: members
// score: ratioDeposit
// explain_zh: "账户 {account}：贷款入账/还款比 {ratioRepay}，贷款入账/转出比 {ratioDeposit}，转入/转出比 {ratioTransfer}。"
// ---
MATCH (a:Entity:BankAccount {uid: $id})
OPTIONAL MATCH (:LoanAccount)-[e:DEPOSITED_TO]->(a)
WHERE e.ts > $startTime AND e.ts < $endTime AND e.amount > $threshold
WITH a, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
WITH a, collect(e.amount)[0..$truncationLimit] AS e1
OPTIONAL MATCH (a)-[e:REPAID]->(:LoanAccount)
WHERE e.ts > $startTime AND e.ts < $endTime AND e.amount > $threshold
WITH a, e1, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
WITH a, e1, collect(e.amount)[0..$truncationLimit] AS e2
OPTIONAL MATCH (:BankAccount)-[e:TRANSFERRED_TO]->(a)
WHERE e.ts > $startTime AND e.ts < $endTime AND e.amount > $threshold
WITH a, e1, e2, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
WITH a, e1, e2, collect(e.amount)[0..$truncationLimit] AS e3
OPTIONAL MATCH (a)-[e:TRANSFERRED_TO]->(:BankAccount)
WHERE e.ts > $startTime AND e.ts < $endTime AND e.amount > $threshold
WITH a, e1, e2, e3, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
WITH a, e1, e2, e3, collect(e.amount)[0..$truncationLimit] AS e4
WITH a, reduce(s = 0.0, x IN e1 | s + x) AS s1, reduce(s = 0.0, x IN e2 | s + x) AS s2,
     reduce(s = 0.0, x IN e3 | s + x) AS s3, reduce(s = 0.0, x IN e4 | s + x) AS s4, size(e2) AS n2, size(e4) AS n4
RETURN a.uid AS account,
       CASE WHEN n2 = 0 THEN -1.0 ELSE round(s1 / s2 * 1000) / 1000.0 END AS ratioRepay,
       CASE WHEN n4 = 0 THEN -1.0 ELSE round(s1 / s4 * 1000) / 1000.0 END AS ratioDeposit,
       CASE WHEN n4 = 0 THEN -1.0 ELSE round(s3 / s4 * 1000) / 1000.0 END AS ratioTransfer,
       [a.uid] AS members
