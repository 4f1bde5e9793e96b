// ---
// id: hotline.counterfeit_hotspot
// version: 1
// title: {zh: 12345 售假投诉热点商户（无行政处罚）, en: Repeated counterfeit complaints about a merchant without a penalty}
// description: >
//   12345 hotline tickets whose text or category contains one of keywords (假货、假冒、山寨…)
//   are aggregated per merchant named in the ticket; a merchant with at least
//   min_complaints such tickets and no administrative penalty for a counterfeit offence
//   (penalty_offences) decided on or after lookback_days before its first ticket is a clue.
//   The merchant named in a ticket is resolved to registered companies with the same
//   name (统一社会信用代码 nodes), which are added to the members. area_merchants counts
//   the merchants flagged in the same district (hotspot area).
// legal_basis: [刑法 140 生产、销售伪劣产品罪, 刑法 214 销售假冒注册商标的商品罪, 产品质量法 第五十条]
// params:
//   keywords: {type: list, items: string, default: [假货, 假冒, 售假, 山寨, 仿冒, 伪劣, 以假充真, 冒牌]}
//   min_complaints: {type: int, default: 3, min: 1}
//   penalty_offences: {type: list, items: string, default: [销售伪劣产品, 生产、销售伪劣产品, 销售假冒注册商标的商品, 假冒注册商标]}
//   lookback_days: {type: int, default: 365, min: 0, description: a penalty up to this many days before the first ticket still counts}
// returns: [merchant, merchant_name, district, complaints, first_complaint, last_complaint, area_merchants, members]
// backends: [neo4j, falkordb]
// tags: [hotline, counterfeit, market-regulation]
// members: members
// score: complaints
// explain_zh: "{district}商户 {merchant_name} 被 12345 工单反复反映售假（{complaints} 件），无相应行政处罚；该区共 {area_merchants} 家同类商户。"
// ---
MATCH (t:Complaint)-[ca:COMPLAINED_ABOUT]->(m:Company)
WHERE any(k IN $keywords WHERE t.text CONTAINS k OR t.category CONTAINS k)
WITH m, t ORDER BY t.uid
WITH m, collect(t.uid) AS tickets, min(t.received_on) AS first_on, max(t.received_on) AS last_on,
     head(collect(t.district)) AS district
WHERE size(tickets) >= $min_complaints
OPTIONAL MATCH (f:Company)
WHERE f = m OR (m.name IS NOT NULL AND f.name = m.name)
WITH m, tickets, first_on, last_on, district, f ORDER BY f.uid
WITH m, tickets, first_on, last_on, district, collect(f.uid) AS firms
OPTIONAL MATCH (g:Company)-[pp:PARTY_OF]->(p:AdminPenalty)
WHERE g.uid IN firms AND p.offence IN $penalty_offences AND p.decided_on >= first_on - $lookback_days * 86400000
WITH m, tickets, first_on, last_on, district, firms, count(p) AS penalties
WHERE penalties = 0
WITH district, collect([m.uid, m.name, size(tickets), first_on, last_on, firms + tickets]) AS hits
UNWIND hits AS h
RETURN h[0] AS merchant, h[1] AS merchant_name, district, h[2] AS complaints, h[3] AS first_complaint,
       h[4] AS last_complaint, size(hits) AS area_merchants, h[5] AS members
