// ---
// id: loans.high_appraisal
// version: 1
// title: {zh: 高评高贷：评估价值远高于成交价, en: Appraisal far above the deal price}
// description: >
//   A loan's collateral was appraised at min_ratio (default 1.3) times or more its deal
//   price of a purchase registered at most max_days_since_deal before the appraisal (older
//   deal prices are stale and left out). The appraisal firm's number of such appraisals
//   (appraiser_hits) raises the score: the same firm inflating several appraisals is a
//   stronger clue.
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪, 刑法 186 违法发放贷款罪, 刑法 229 提供虚假证明文件罪]
// params:
//   min_ratio: {type: float, default: 1.3, min: 1}
//   max_days_since_deal: {type: int, default: 365, min: 1}
// returns: [loan, property, appraiser, deal_price, appraisal_value, ratio, loan_amount, appraiser_hits, members]
// backends: [neo4j, falkordb]
// tags: [loans, appraisal]
// inferred: true
// members: members
// score: ratio + 0.1 * appraiser_hits
// explain_zh: "贷款 {loan} 的抵押物 {property} 成交价 {deal_price} 元，评估机构 {appraiser} 评估为 {appraisal_value} 元（{ratio} 倍）；该机构共有 {appraiser_hits} 笔同类高评。"
// ---
MATCH (pr:Property)-[ab:APPRAISED_BY]->(ap:Company)
MATCH (pr)-[co:COLLATERAL_OF]->(l:LoanAccount)
WHERE l.contract_no = ab.contract_no
MATCH (bo:Entity)-[pf:PAID_FOR]->(pr)
WHERE pf.amount > 0 AND pf.on <= ab.on AND pf.on >= ab.on - $max_days_since_deal * 86400000
  AND ab.value >= $min_ratio * pf.amount
WITH ap, pr, l, ab, bo, pf ORDER BY pf.on DESC
WITH ap, pr, l, ab, collect([bo.uid, pf.amount])[0] AS deal
WITH ap, collect([pr, l, ab, deal]) AS hits
UNWIND hits AS h
WITH ap, size(hits) AS n, h[0] AS pr, h[1] AS l, h[2] AS ab, h[3] AS deal
OPTIONAL MATCH (l)-[ap2:APPROVED_BY]->(o:Person)
WITH ap, n, pr, l, ab, deal, collect(o.uid) AS officers
RETURN l.uid AS loan, pr.uid AS property, ap.uid AS appraiser, deal[1] AS deal_price, ab.value AS appraisal_value,
       round(ab.value / deal[1] * 1000) / 1000.0 AS ratio, l.amount AS loan_amount, n AS appraiser_hits,
       [l.uid, pr.uid, ap.uid, deal[0]] + officers AS members
