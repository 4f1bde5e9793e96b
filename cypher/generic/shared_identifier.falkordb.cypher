// ---
// id: generic.shared_identifier
// version: 2
// title: {zh: 多名自然人共用联系方式或地址, en: Several persons sharing a phone or an address}
// description: >
//   A phone or an address used by at least min_persons distinct natural persons as their
//   own (contact or bank-reserved phone, residence) and by at least min_parties persons
//   or companies in all (代持、买卖或出租出借账户、职业背债人、团伙). Why persons: a mobile
//   number is registered to one person and a household shares at most a couple of them;
//   three or more unrelated persons giving the same number is the classic sign of one
//   controller behind their accounts or loan applications. Companies sharing a phone or
//   an address with one person are left to the specific patterns: an agent or a boss
//   routinely gives his own number for every company he registers, and incubators
//   (众创空间), business centres and registration agents' addresses host many genuine
//   companies (loans.shell_borrower_cluster adds the evidence that separates shells).
//   Identifiers used by more than max_degree parties (switchboards, call centres, hub
//   addresses) are too common to mean anything and are left out. Performance: only
//   identifiers with at least min_parties and min_persons HAS_PHONE/LOCATED_AT links (the
//   store's degree: COUNT {} here, indegree() in the .falkordb.cypher sibling, which
//   differs only there) are expanded; most phones and addresses belong to one party.
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪, 刑法 287-2 帮助信息网络犯罪活动罪, 刑法 205 虚开增值税专用发票罪]
// params:
//   min_persons: {type: int, default: 3, min: 0, description: distinct natural persons using the identifier}
//   min_parties: {type: int, default: 3, min: 2, description: distinct persons and companies using it}
//   max_degree: {type: int, default: 50, min: 2, description: degree cap on the shared identifier}
// returns: [identifier, kind, parties, persons, companies, members]
// backends: [neo4j, falkordb]
// tags: [shell-companies, ring, identifiers]
// members: members
// score: persons * 100 + parties
// explain_zh: "{persons} 名自然人和 {companies} 家单位共用同一{kind}（{identifier}），共 {parties} 个主体。"
// ---
MATCH (i:Entity)
WHERE i:Phone OR i:Address
WITH i, indegree(i, 'HAS_PHONE', 'LOCATED_AT') AS degree
WHERE degree >= $min_parties AND degree >= $min_persons
MATCH (x:Entity)-[r:HAS_PHONE|LOCATED_AT]->(i)
WHERE x:Person OR x:Company
WITH i, x ORDER BY x.uid
WITH i, collect(DISTINCT x.uid) AS xs, count(DISTINCT CASE WHEN x:Person THEN x.uid END) AS persons
WHERE size(xs) >= $min_parties AND size(xs) <= $max_degree AND persons >= $min_persons
RETURN i.uid AS identifier, CASE WHEN i:Phone THEN '电话' ELSE '地址' END AS kind, size(xs) AS parties, persons,
       size(xs) - persons AS companies, [i.uid] + xs AS members
