// ---
// id: generic.shared_identifier
// version: 1
// title: {zh: 共用联系方式或地址的关联团伙, en: Parties sharing a phone or an address}
// description: >
//   A phone or an address used by at least min_parties distinct persons or companies
//   (空壳公司集群、职业背债人、团伙). Identifiers used by more than max_degree parties
//   (call centres, registration agents' addresses, hubs) are left out.
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪, 刑法 205 虚开增值税专用发票罪]
// params:
//   min_parties: {type: int, default: 3, min: 2}
//   max_degree: {type: int, default: 50, min: 2, description: degree cap on the shared identifier}
// returns: [identifier, kind, parties, members]
// backends: [neo4j, falkordb]
// tags: [shell-companies, ring, identifiers]
// members: members
// score: parties
// explain_zh: "{parties} 个自然人或单位共用同一{kind}（{identifier}）。"
// ---
MATCH (x:Entity)-[r:HAS_PHONE|LOCATED_AT]->(i:Entity)
WHERE (x:Person OR x:Company) AND (i:Phone OR i:Address)
WITH i, x ORDER BY x.uid
WITH i, collect(DISTINCT x.uid) AS xs
WHERE size(xs) >= $min_parties AND size(xs) <= $max_degree
RETURN i.uid AS identifier, CASE WHEN i:Phone THEN '电话' ELSE '地址' END AS kind, size(xs) AS parties,
       [i.uid] + xs AS members
