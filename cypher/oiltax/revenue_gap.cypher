// ---
// id: oiltax.revenue_gap
// version: 1
// title: {zh: 加油站申报销售收入远低于购进推算销售额, en: Filling station declaring far less revenue than its purchases imply}
// description: >
//   For one calendar year, a filling station's purchases of refined oil (VAT invoices
//   billed to it whose goods name contains one of goods_keywords, e.g. *汽油*92号汽油)
//   imply sales of purchase amount x markup (default 1.16, retail over wholesale price);
//   the revenue it declared in its station declarations for periods of that year is at
//   most max_ratio of that estimate, and the VAT on the undeclared part (gap x vat_rate)
//   reaches min_evaded_tax (逃税 threshold by default). Declared and purchased volumes
//   are returned for comparison.
// legal_basis: [刑法 201 逃税罪, 税收征收管理法 第六十三条]
// params:
//   year: {type: int, default: 2023, min: 1990, max: 2100}
//   goods_keywords: {type: list, items: string, default: [汽油, 柴油]}
//   markup: {type: float, default: 1.16, min: 1}
//   max_ratio: {type: float, default: 0.5, min: 0, max: 1}
//   vat_rate: {type: float, default: 0.13, min: 0, max: 1}
//   min_evaded_tax: {type: float, default_from: thresholds.tax_evasion_cny, min: 0}
// returns: [station, year, purchased_amount, purchased_liters, estimated_revenue, declared_revenue, declared_liters, ratio, estimated_evaded_tax, licences, members]
// backends: [neo4j, falkordb]
// tags: [oil, tax, filling-station]
// inferred: true
// members: members
// score: estimated_evaded_tax
// explain_zh: "加油站 {station} {year} 年购进成品油 {purchased_liters} 升（{purchased_amount} 元），推算销售额 {estimated_revenue} 元，仅申报 {declared_revenue} 元（{ratio}），少申报部分税额约 {estimated_evaded_tax} 元。"
// ---
WITH $year AS y
WITH y, (365 * (y - 1970) + (y - 1969) / 4 - (y - 1901) / 100 + (y - 1601) / 400) * 86400000 AS y0,
     (365 * (y + 1 - 1970) + (y + 1 - 1969) / 4 - (y + 1 - 1901) / 100 + (y + 1 - 1601) / 400) * 86400000 AS y1
MATCH (s:Company)-[fi:FILED]->(f:TaxFiling)
WHERE f.declared_volume_l IS NOT NULL AND f.period STARTS WITH toString(y)
WITH s, y, y0, y1, sum(f.declared_revenue) AS declared, sum(f.declared_volume_l) AS declared_l,
     $goods_keywords AS kws
CALL {
  WITH s, y0, y1, kws
  MATCH (i:Invoice)-[bt:BILLED_TO]->(s)
  WHERE i.issued_on >= y0 AND i.issued_on < y1
  WITH i, [k IN kws WHERE i.goods CONTAINS k] AS hit
  WHERE size(hit) > 0
  RETURN sum(i.amount) AS bought, sum(i.quantity) AS bought_l
}
WITH s, y, declared, declared_l, bought, bought_l, bought * $markup AS est
WHERE bought > 0 AND declared <= $max_ratio * est AND (est - declared) * $vat_rate >= $min_evaded_tax
CALL {
  WITH s
  OPTIONAL MATCH (s)-[ho:HOLDS]->(li:License)
  WITH li ORDER BY li.uid
  RETURN collect(li.uid) AS licences
}
RETURN s.uid AS station, y AS year, round(bought * 100) / 100.0 AS purchased_amount,
       round(bought_l) AS purchased_liters, round(est * 100) / 100.0 AS estimated_revenue,
       round(declared * 100) / 100.0 AS declared_revenue, round(declared_l) AS declared_liters,
       round(declared / est * 1000) / 1000.0 AS ratio,
       round((est - declared) * $vat_rate * 100) / 100.0 AS estimated_evaded_tax, licences,
       [s.uid] + licences AS members
