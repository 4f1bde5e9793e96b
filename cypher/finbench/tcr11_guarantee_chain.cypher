// ---
// id: finbench.tcr11_guarantee_chain
// version: 1
// title: {zh: 担保链贷款汇总, en: "FinBench TCR11: guarantee chain detection"}
// description: >
//   LDBC FinBench transaction complex read 11. Every person reachable from the given
//   person along guarantees (person guarantees person) made inside (startTime,
//   endTime), to the end of the chain, and the loans they applied for: total amount and
//   number of distinct loans. The start person is not counted. Not truncated (the
//   guarantee graph is small and the chain is followed to its end, as the spec asks).
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪]
// params:
//   id: {type: string, description: uid of the Person}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
// returns: [person, persons, sumLoanAmount, numLoans, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, guarantee, loans]
// members: members
// score: sumLoanAmount
// explain_zh: "担保链上共 {persons} 人，申请贷款 {numLoans} 笔，合计 {sumLoanAmount} 元。"
// ---
MATCH (p:Entity:Person {uid: $id})
OPTIONAL MATCH path = (p)-[:GUARANTEED*1..]->(q:Person)
WHERE q <> p AND all(r IN relationships(path) WHERE r.create_time > $startTime AND r.create_time < $endTime)
WITH p, q ORDER BY q.uid
WITH p, collect(DISTINCT q) AS qs
UNWIND CASE WHEN size(qs) = 0 THEN [null] ELSE qs END AS q
OPTIONAL MATCH (q)-[:APPLIED_FOR]->(l:LoanAccount)
WITH p, qs, l ORDER BY l.uid
WITH p, qs, collect(DISTINCT l) AS loans
RETURN p.uid AS person, size(qs) AS persons,
       round(reduce(s = 0.0, l IN loans | s + l.amount) * 1000) / 1000.0 AS sumLoanAmount, size(loans) AS numLoans,
       [p.uid] + [x IN qs | x.uid] AS members
