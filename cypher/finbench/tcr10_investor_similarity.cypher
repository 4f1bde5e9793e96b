// ---
// id: finbench.tcr10_investor_similarity
// version: 1
// title: {zh: 两人投资企业的相似度, en: "FinBench TCR10: similarity of investor relationship"}
// description: >
//   LDBC FinBench transaction complex read 10. Jaccard similarity of the sets of
//   companies two persons invested in inside (startTime, endTime); 0 when neither did.
// legal_basis: [刑法 175-1 骗取贷款罪（关联企业）, 刑法 205 虚开增值税专用发票罪（关联企业）]
// params:
//   pid1: {type: string, description: uid of the first Person}
//   pid2: {type: string, description: uid of the second Person}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
// returns: [person1, person2, jaccardSimilarity, common, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, shareholding]
// members: members
// score: jaccardSimilarity
// explain_zh: "两名自然人共同投资 {common} 家企业，投资对象相似度（Jaccard）为 {jaccardSimilarity}。"
// ---
MATCH (p1:Entity:Person {uid: $pid1}), (p2:Entity:Person {uid: $pid2})
OPTIONAL MATCH (p1)-[i1:INVESTED_IN]->(c1:Company)
WHERE i1.create_time > $startTime AND i1.create_time < $endTime
WITH p1, p2, c1 ORDER BY c1.uid
WITH p1, p2, collect(DISTINCT c1.uid) AS s1
OPTIONAL MATCH (p2)-[i2:INVESTED_IN]->(c2:Company)
WHERE i2.create_time > $startTime AND i2.create_time < $endTime
WITH p1, p2, s1, c2 ORDER BY c2.uid
WITH p1, p2, s1, collect(DISTINCT c2.uid) AS s2
WITH p1, p2, s1, s2, [c IN s1 WHERE c IN s2] AS both
WITH p1, p2, both, size(s1) + size(s2) - size(both) AS uni
RETURN p1.uid AS person1, p2.uid AS person2,
       CASE WHEN uni = 0 THEN 0.0 ELSE round(toFloat(size(both)) / uni * 1000) / 1000.0 END AS jaccardSimilarity,
       size(both) AS common, [p1.uid, p2.uid] + both AS members
