// ---
// id: certs.fake_certificate_chain
// version: 1
// title: {zh: 伪造特种作业操作证链条：制假者—贩卖者—购买者—施工现场, en: Fake special-operation certificate chain}
// description: >
//   Holders of a certificate verified at a non-government website (a fake verification
//   site's buyer list) who hold no certificate of that job type in the official registry,
//   and who paid the same person (the seller) — at least min_buyers of them. The seller's
//   onward payments (to the forger) and the buyers' employers (施工单位/work sites) complete
//   the chain 制假者 -> 贩卖者 -> 购买者 -> 施工现场. One clue per website and seller.
// legal_basis: [刑法 280 伪造、变造、买卖国家机关公文、证件、印章罪, 安全生产法 第三十条]
// params:
//   min_buyers: {type: int, default: 2, min: 1}
// returns: [website, seller, buyers, buyer_count, certificates, paid_total, forgers, employers, members]
// backends: [neo4j, falkordb]
// tags: [certificates, forgery, safety]
// inferred: true
// members: members
// score: buyer_count
// explain_zh: "{buyer_count} 人的特种作业操作证只能在非政府网站 {website} 查询、官方库中无有效证书，均向 {seller} 付款（合计 {paid_total} 元）；{seller} 又向 {forgers} 转账，购买者受雇于 {employers}。"
// ---
MATCH (w:Website)<-[v:VERIFIED_AT]-(ce:Certificate)<-[h:HOLDS]-(b:Person)
WHERE coalesce(w.is_government, false) = false AND coalesce(ce.in_official_registry, false) = false
OPTIONAL MATCH (b)-[h2:HOLDS]->(ok:Certificate)
WHERE ok.in_official_registry = true AND ok.job_type = ce.job_type
WITH w, ce, b, count(ok) AS official
WHERE official = 0
MATCH (b)-[o1:OWNS]->(ba:BankAccount)-[t:TRANSFERRED_TO]->(sa:BankAccount)<-[o2:OWNS]-(s:Person)
WHERE s <> b
WITH w, s, sa, b, ce, sum(t.amount) AS paid
ORDER BY b.uid, ce.uid
WITH w, s, collect(DISTINCT sa) AS sas, collect(DISTINCT b.uid) AS buyers, collect(DISTINCT ce.uid) AS certs,
     sum(paid) AS paid_total
WHERE size(buyers) >= $min_buyers
CALL {
  WITH s, sas, buyers
  UNWIND sas AS sa
  OPTIONAL MATCH (sa)-[t2:TRANSFERRED_TO]->(fa:BankAccount)<-[o3:OWNS]-(fg:Person)
  WHERE fg <> s AND NOT fg.uid IN buyers
  WITH fg ORDER BY fg.uid
  RETURN collect(DISTINCT fg.uid) AS forgers
}
CALL {
  WITH buyers
  UNWIND buyers AS bu
  MATCH (e:Entity {uid: bu})-[em:EMPLOYED_BY]->(co:Company)
  WHERE e:Person
  WITH co ORDER BY co.uid
  RETURN collect(DISTINCT co.uid) AS employers
}
RETURN w.uid AS website, s.uid AS seller, buyers, size(buyers) AS buyer_count, certs AS certificates,
       round(paid_total * 100) / 100.0 AS paid_total, forgers, employers,
       [w.uid, s.uid] + forgers + buyers + certs + employers AS members
