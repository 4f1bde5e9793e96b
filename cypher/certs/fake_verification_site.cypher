// ---
// id: certs.fake_verification_site
// version: 1
// title: {zh: 伪造证书查询网站（非政府域名）, en: Certificates verified at a non-government website}
// description: >
//   A website that is not a government domain (Website.is_government is not true) at
//   which at least min_certificates special-operation certificates are verified (their
//   QR / verification URL points to it) and that are absent from the official registry.
//   The holders, and how many of them appear on work-site rosters, are returned.
// legal_basis: [刑法 280 伪造、变造、买卖国家机关公文、证件、印章罪, 安全生产法 第三十条]
// params:
//   min_certificates: {type: int, default: 1, min: 1}
// returns: [website, certificates, certificate_count, holders, employed_holders, members]
// backends: [neo4j, falkordb]
// tags: [certificates, forgery, websites, safety]
// inferred: true
// members: members
// score: certificate_count + employed_holders
// explain_zh: "{certificate_count} 张特种作业操作证的查询网址指向非政府网站 {website}，且不在官方库中；其中 {employed_holders} 名持证人在施工单位登记。"
// ---
MATCH (w:Website)<-[v:VERIFIED_AT]-(ce:Certificate)
WHERE coalesce(w.is_government, false) = false AND coalesce(ce.in_official_registry, false) = false
OPTIONAL MATCH (p:Person)-[h:HOLDS]->(ce)
WITH w, ce, p ORDER BY ce.uid, p.uid
WITH w, collect(DISTINCT ce.uid) AS certs, collect(DISTINCT p) AS ps
WHERE size(certs) >= $min_certificates
CALL {
  WITH ps
  UNWIND ps AS p
  OPTIONAL MATCH (p)-[em:EMPLOYED_BY]->(co:Company)
  WITH p, count(co) AS jobs
  RETURN sum(CASE WHEN jobs > 0 THEN 1 ELSE 0 END) AS employed
}
WITH w, certs, [p IN ps | p.uid] AS holders, employed
RETURN w.uid AS website, certs AS certificates, size(certs) AS certificate_count, holders,
       toInteger(employed) AS employed_holders, [w.uid] + certs + holders AS members
