// ---
// id: oiltax.invoice_capacity_mismatch
// version: 2
// title: {zh: 受票企业抵扣“非成品油”发票量超出其耗油能力, en: Buyers deducting more disguised fuel than they can burn}
// description: >
//   Within one calendar year, a buyer receives VAT special invoices for "non-refined
//   oil" goods commonly used to disguise diesel (goods_keywords: 复合柴油, 燃料油, 稀释剂,
//   溶剂油, 混合芳烃, 轻循环油 ...) for at least min_liters in total, carrying deductible
//   tax of at least min_tax (虚开增值税专用发票 threshold by default), and the litres exceed
//   min_capacity_ratio times the annual fuel capacity of the buyer's registered vehicles
//   and machinery (sum of 年耗油能力 over its Equipment registrations). A buyer with no
//   registration at all has capacity 0 and is kept: deducting that much fuel with no
//   fleet on record is itself the anomaly. The default ratio 1.2 leaves a fifth of
//   headroom for unregistered or out-of-region equipment; fuel bought as refined oil
//   (0号柴油) is not counted. The clue lists the invoices, suppliers and registrations.
// legal_basis: [刑法 205 虚开增值税专用发票罪, 刑法 201 逃税罪]
// params:
//   year: {type: int, default: 2023, min: 1990, max: 2100}
//   goods_keywords: {type: list, items: string, default: [复合柴油, 燃料油, 稀释剂, 溶剂油, 混合芳烃, 轻循环油, 调和油, 生物柴油]}
//   min_liters: {type: float, default: 200000, min: 0}
//   min_tax: {type: float, default_from: thresholds.vat_invoice_tax_cny, min: 0}
//   min_capacity_ratio: {type: float, default: 1.2, min: 0}
// returns: [buyer, year, suppliers, invoices, invoice_count, liters, amount, tax, capacity_liters, capacity_ratio, equipment, members]
// backends: [neo4j, falkordb]
// tags: [oil, tax, invoices]
// inferred: true
// members: members
// score: tax
// explain_zh: "{buyer} 在 {year} 年取得 {invoice_count} 张“非成品油”类专用发票（{liters} 升，金额 {amount} 元，税额 {tax} 元），开票方 {suppliers}；其登记车辆设备年耗油能力 {capacity_liters} 升，受票量为能力的 {capacity_ratio} 倍。"
// ---
WITH $year AS y, $goods_keywords AS kws
WITH y, kws, (365 * (y - 1970) + (y - 1969) / 4 - (y - 1901) / 100 + (y - 1601) / 400) * 86400000 AS y0,
     (365 * (y + 1 - 1970) + (y + 1 - 1969) / 4 - (y + 1 - 1901) / 100 + (y + 1 - 1601) / 400) * 86400000 AS y1
MATCH (s:Company)-[iv:INVOICED]->(i:Invoice)-[bt:BILLED_TO]->(b:Company)
WHERE i.issued_on >= y0 AND i.issued_on < y1 AND s <> b
WITH y, s, i, b, [k IN kws WHERE i.goods CONTAINS k] AS hit
WHERE size(hit) > 0
WITH y, b, s, i ORDER BY s.uid, i.uid
WITH y, b, collect(DISTINCT s.uid) AS suppliers, collect(DISTINCT i.uid) AS invoices,
     sum(i.quantity) AS liters, sum(i.amount) AS amount, sum(i.tax) AS tax
WHERE liters >= $min_liters AND tax >= $min_tax
OPTIONAL MATCH (b)-[op:OPERATES]->(e:Equipment)
WITH y, b, suppliers, invoices, liters, amount, tax, e ORDER BY e.uid
WITH y, b, suppliers, invoices, liters, amount, tax, collect(e.uid) AS equipment,
     sum(coalesce(e.annual_fuel_capacity_l, 0.0)) AS capacity
WHERE liters > $min_capacity_ratio * capacity
RETURN b.uid AS buyer, y AS year, suppliers, invoices, size(invoices) AS invoice_count, round(liters) AS liters,
       round(amount * 100) / 100.0 AS amount, round(tax * 100) / 100.0 AS tax, round(capacity) AS capacity_liters,
       CASE WHEN capacity > 0 THEN round(liters / capacity * 100) / 100.0 ELSE null END AS capacity_ratio,
       equipment, [b.uid] + suppliers + invoices + equipment AS members
