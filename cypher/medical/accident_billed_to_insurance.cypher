// ---
// id: medical.accident_billed_to_insurance
// version: 1
// title: {zh: 第三方责任交通事故伤情由医保统筹支付, en: Accident injury with a liable third party billed to medical insurance}
// description: >
//   A party (当事人) of a traffic accident whose liability finding puts the fault on the
//   other party (liabilities) is admitted to hospital on the accident date (or up to
//   max_days_after days later), and the insurance fund pays at least min_fund_paid for that
//   stay (医保不予支付应由第三人负担的医疗费用). Tort cases between the two parties (a court
//   case whose cause contains 交通事故) are reported; require_tort_case keeps only those
//   with one (double recovery). One row per accident and settlement.
// legal_basis: [刑法 266 诈骗罪, 社会保险法 第三十条, 医疗保障基金使用监督管理条例 第四十条]
// params:
//   liabilities: {type: list, items: string, default: [对方全部责任, 对方主要责任]}
//   max_days_after: {type: int, default: 0, min: 0}
//   min_fund_paid: {type: float, default: 0.01, min: 0}
//   require_tort_case: {type: bool, default: false}
// returns: [person, accident, accident_date, liability, settlement, admitted_on, fund_paid, liable_party, tort_cases, members]
// backends: [neo4j, falkordb]
// tags: [medical-insurance, third-party-liability, fraud]
// members: members
// score: fund_paid
// explain_zh: "{person} 于交通事故（{accident}，{liability}）当日入院，医保统筹基金支付 {fund_paid} 元；侵权诉讼：{tort_cases}。"
// ---
MATCH (p:Person)-[pr:PARTY_OF]->(a:AccidentReport)
WHERE pr.role = '当事人' AND a.liability IN $liabilities
MATCH (s:MedicalSettlement)-[sf:SETTLED_FOR]->(p)
WHERE s.admitted_on >= a.occurred_on AND s.admitted_on <= a.occurred_on + $max_days_after * 86400000
  AND s.fund_paid >= $min_fund_paid
OPTIONAL MATCH (o:Person)-[po:PARTY_OF]->(a)
WHERE po.role = '对方当事人'
OPTIONAL MATCH (p)-[pt:PARTY_OF]->(tc:CourtCase)
WHERE tc.cause CONTAINS '交通事故' AND tc.decided_on >= a.occurred_on
WITH p, a, s, o, tc ORDER BY tc.uid
WITH p, a, s, o, collect(DISTINCT tc.uid) AS torts
WHERE $require_tort_case = false OR size(torts) > 0
RETURN p.uid AS person, a.uid AS accident, a.occurred_on AS accident_date, a.liability AS liability,
       s.uid AS settlement, s.admitted_on AS admitted_on, s.fund_paid AS fund_paid, o.uid AS liable_party,
       torts AS tort_cases, [p.uid, a.uid, s.uid] + CASE WHEN o IS NULL THEN [] ELSE [o.uid] END + torts AS members
