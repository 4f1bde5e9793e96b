// ---
// id: medical.cardholder_pharmacy_cluster
// version: 2
// title: {zh: 由已查处空刷人员扩线的药店及其他参保人, en: Pharmacies of known fraud card holders and their other frequent holders}
// description: >
//   Seed holders are persons party to an administrative sanction whose offence is one of
//   seed_offences (已查处空刷医保卡人员). Their pharmacy settlements (settlement_kinds) lead
//   to pharmacies where at least min_seeds seed holders settled; from each such pharmacy
//   the other insured persons with at least min_visits settlements there are collected.
//   A pharmacy with at least min_others such holders is a clue. The pharmacy named in the
//   settlements is resolved to the registered company with the same name (a member) when
//   exactly one bears it; registered_namesakes counts them and namesake_companies lists
//   them (several: settlements of different pharmacies may be pooled under the one name,
//   and none is made a member, as entity resolution refuses such a name).
// legal_basis: [刑法 266 诈骗罪, 医疗保障基金使用监督管理条例 第四十条, 最高人民检察院 公安部 关于办理医保骗保刑事案件若干问题的指导意见]
// params:
//   seed_offences: {type: list, items: string, default: [空刷医保卡, 冒名就医, 倒卖医保药品, 虚假购药]}
//   settlement_kinds: {type: list, items: string, default: [药店购药]}
//   min_seeds: {type: int, default: 1, min: 1}
//   min_visits: {type: int, default: 5, min: 1, description: settlements of another holder at the pharmacy}
//   min_others: {type: int, default: 1, min: 1}
// returns: [pharmacy, pharmacy_name, seed_holders, other_holders, settlements, total, registered_namesakes, namesake_companies, members]
// backends: [neo4j, falkordb]
// tags: [medical-insurance, pharmacy, expansion, fraud]
// members: members
// score: settlements
// explain_zh: "已查处空刷人员 {seed_holders} 在 {pharmacy_name} 刷卡；该药店另有参保人 {other_holders} 高频购药，合计 {settlements} 笔、{total} 元。"
// ---
MATCH (k:Person)-[kp:PARTY_OF]->(pen:AdminPenalty)
WHERE pen.offence IN $seed_offences
MATCH (s:MedicalSettlement)-[sf:SETTLED_FOR]->(k)
MATCH (s)-[sa:SETTLED_AT]->(ph:Company)
WHERE s.kind IN $settlement_kinds
WITH DISTINCT ph, k ORDER BY k.uid
WITH ph, collect(k.uid) AS seeds
WHERE size(seeds) >= $min_seeds
MATCH (s2:MedicalSettlement)-[sa2:SETTLED_AT]->(ph)
MATCH (s2)-[sf2:SETTLED_FOR]->(o:Person)
WHERE s2.kind IN $settlement_kinds
WITH ph, seeds, o, count(s2) AS visits, sum(s2.total) AS amt
WHERE visits >= $min_visits OR o.uid IN seeds
WITH ph, seeds, o, visits, amt ORDER BY o.uid
WITH ph, seeds, [x IN collect(CASE WHEN o.uid IN seeds THEN null ELSE o.uid END) WHERE x IS NOT NULL] AS others,
     sum(visits) AS settlements, sum(amt) AS total
WHERE size(others) >= $min_others
OPTIONAL MATCH (reg:Company)
WHERE reg.name = ph.name AND reg <> ph
WITH ph, seeds, others, settlements, total, reg ORDER BY reg.uid
WITH ph, seeds, others, settlements, total, collect(reg.uid) AS namesakes
WITH ph, seeds, others, settlements, total, namesakes,
     CASE WHEN size(namesakes) = 1 THEN namesakes ELSE [] END AS regs
RETURN ph.uid AS pharmacy, ph.name AS pharmacy_name, seeds AS seed_holders, others AS other_holders,
       toInteger(settlements) AS settlements,
       toInteger(round(total)) AS total, size(namesakes) AS registered_namesakes, namesakes AS namesake_companies,
       [ph.uid] + regs + seeds + others AS members
