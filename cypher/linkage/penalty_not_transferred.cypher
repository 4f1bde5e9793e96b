// ---
// id: linkage.penalty_not_transferred
// version: 1
// title: {zh: 以罚代刑：达到追诉标准的行政处罚未移送, en: Penalty at the criminal threshold not transferred to the police}
// description: >
//   Forward administrative-criminal linkage (以罚代刑). An administrative penalty whose
//   offence is one of `offences` and whose amount involved (货值金额/涉案金额) is at or above
//   the prosecution threshold `min_amount`, that is not marked as transferred, has no
//   TRANSFERRED_AS link to a police case, and none of whose parties is a party of a
//   criminal case filed or decided on or after the penalty date. One row per penalty.
//   Quantity and repeat-offence thresholds are not covered (the penalty record carries
//   no quantity or prior-penalty count).
// legal_basis: [刑法 140 生产、销售伪劣产品罪, 刑法 214 销售假冒注册商标的商品罪, 行政执法机关移送涉嫌犯罪案件的规定 第三条, 立案追诉标准（一）第十六条]
// params:
//   min_amount: {type: float, default_from: thresholds.fake_goods_sales_cny, min: 0, description: amount involved at or above this (CNY)}
//   offences: {type: list, items: string, default: [销售伪劣产品, 生产、销售伪劣产品, 销售假冒注册商标的商品], description: offence types the threshold applies to}
// returns: [penalty, decision_no, offence, agency, amount_involved, decided_on, parties, members]
// backends: [neo4j, falkordb]
// tags: [linkage, 以罚代刑, transfer-to-police]
// members: members
// score: amount_involved
// explain_zh: "行政处罚 {decision_no}（{offence}）认定涉案金额 {amount_involved} 元，达到立案追诉标准，但未移送公安机关、亦无刑事立案记录。"
// ---
MATCH (p:AdminPenalty)
WHERE p.offence IN $offences AND p.amount_involved >= $min_amount AND coalesce(p.transferred, false) = false
OPTIONAL MATCH (p)-[ta:TRANSFERRED_AS]->(:CriminalCase)
WITH p, count(ta) AS transfers
WHERE transfers = 0
OPTIONAL MATCH (x:Entity)-[px:PARTY_OF]->(p)
WITH p, x ORDER BY x.uid
WITH p, collect(DISTINCT x.uid) AS parties
OPTIONAL MATCH (y:Entity)-[py:PARTY_OF]->(p)
OPTIONAL MATCH (y)-[pc:PARTY_OF]->(cc:CriminalCase)
WHERE coalesce(cc.filed_on, cc.decided_on) >= p.decided_on
WITH p, parties, count(cc) AS filings
WHERE filings = 0
RETURN p.uid AS penalty, p.decision_no AS decision_no, p.offence AS offence, p.agency AS agency,
       p.amount_involved AS amount_involved, p.decided_on AS decided_on, parties, [p.uid] + parties AS members
