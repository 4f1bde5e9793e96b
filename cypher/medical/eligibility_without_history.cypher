// ---
// id: medical.eligibility_without_history
// version: 2
// title: {zh: 门诊慢特病资格认定前无住院或影像检查记录, en: Chronic-disease eligibility without prior inpatient stay or imaging}
// description: >
//   A person holds a chronic-disease outpatient eligibility (a License whose kind starts
//   with eligibility_prefix) but has no insurance settlement of a history kind (住院,
//   影像检查) admitted within lookback_days before the eligibility date. Settlements after
//   the eligibility date are counted and summed (fund paid). One row per eligibility.
//   Imaging is recognised only as a settlement kind: the records carry no separate
//   imaging or hospital-record source.
//   Settlements of persons entity resolution joined to the holder (SAME_AS: an eligibility
//   row with a mistyped 身份证号 keys a row-scoped person that resolution joins to the ID
//   holder) count as the holder's; those persons are members.
// legal_basis: [刑法 266 诈骗罪, 医疗保障基金使用监督管理条例 第四十一条]
// params:
//   eligibility_prefix: {type: string, default: 门诊慢特病资格}
//   history_kinds: {type: list, items: string, default: [住院, 影像检查], description: settlement kinds that count as diagnostic history}
//   lookback_days: {type: int, default: 1095, min: 1}
// returns: [person, eligibility, kind, issued_on, settlements_after, fund_paid_after, members]
// backends: [neo4j, falkordb]
// tags: [medical-insurance, eligibility, fraud]
// members: members
// score: fund_paid_after
// explain_zh: "{person} 获认定“{kind}”（{eligibility}），此前无住院或影像检查记录，认定后结算 {settlements_after} 次、统筹支付 {fund_paid_after} 元。"
// ---
MATCH (p:Person)-[h:HOLDS]->(l:License)
WHERE l.kind STARTS WITH $eligibility_prefix AND l.issued_on IS NOT NULL
OPTIONAL MATCH (p)-[sa:SAME_AS]-(q:Person)
WITH p, l, q ORDER BY q.uid
WITH p, l, collect(DISTINCT q) AS qs
UNWIND [p] + qs AS pp
OPTIONAL MATCH (s:MedicalSettlement)-[sf:SETTLED_FOR]->(pp)
WHERE s.kind IN $history_kinds AND coalesce(s.admitted_on, s.settled_on) < l.issued_on
  AND coalesce(s.admitted_on, s.settled_on) >= l.issued_on - $lookback_days * 86400000
WITH p, l, qs, count(s) AS prior
WHERE prior = 0
UNWIND [p] + qs AS pp
OPTIONAL MATCH (s2:MedicalSettlement)-[sf2:SETTLED_FOR]->(pp)
WHERE coalesce(s2.admitted_on, s2.settled_on) >= l.issued_on
WITH p, l, qs, count(s2) AS n, sum(coalesce(s2.fund_paid, 0.0)) AS paid
RETURN p.uid AS person, l.uid AS eligibility, l.kind AS kind, l.issued_on AS issued_on, n AS settlements_after,
       toInteger(round(paid)) AS fund_paid_after, [p.uid, l.uid] + [q IN qs | q.uid] AS members
