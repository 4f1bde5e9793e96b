// ---
// id: finbench.tcr12_company_account_transfers
// version: 1
// title: {zh: 个人向企业账户转账统计, en: "FinBench TCR12: transfer to company amount statistics"}
// description: >
//   LDBC FinBench transaction complex read 12. The company accounts that the accounts a
//   person owns transferred to inside (startTime, endTime), with the total amount.
//   Truncation per own account on its transfers (sorted by timestamp, truncationOrder).
// legal_basis: [刑法 163 非国家工作人员受贿罪, 刑法 385 受贿罪]
// params:
//   id: {type: string, description: uid of the Person}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
//   truncationLimit: {type: int, default: 1000000, min: 1}
//   truncationOrder: {type: string, default: TIMESTAMP_DESCENDING, choices: [TIMESTAMP_ASCENDING, TIMESTAMP_DESCENDING]}
// returns: [compAccount, company, sumEdge2Amount, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc]
// members: members
// score: sumEdge2Amount
// explain_zh: "该自然人名下账户向单位 {company} 的账户 {compAccount} 转账合计 {sumEdge2Amount} 元。"
// ---
MATCH (p:Entity:Person {uid: $id})-[:OWNS]->(a:BankAccount)-[e:TRANSFERRED_TO]->(b:BankAccount)
WHERE e.ts > $startTime AND e.ts < $endTime
WITH p, a, b, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
WITH p, a, collect([b, e.amount])[0..$truncationLimit] AS outs
UNWIND outs AS x
WITH p, x[0] AS b, sum(x[1]) AS total
MATCH (c:Company)-[:OWNS]->(b)
WITH DISTINCT p, b, c, total
RETURN b.uid AS compAccount, c.uid AS company, round(total * 1000) / 1000.0 AS sumEdge2Amount, [p.uid, b.uid, c.uid] AS members
