// ---
// id: oiltax.invoice_capacity_mismatch
// version: 1
// title: {zh: 受票企业抵扣“非成品油”发票量超出其耗油能力, en: Buyers deducting more disguised fuel than they can burn}
// description: >
//   Within one calendar year, a buyer receives VAT special invoices for "non-refined
//   oil" goods commonly used to disguise diesel (goods_keywords: 复合柴油, 燃料油, 稀释剂,
//   溶剂油, 混合芳烃, 轻循环油 ...) for at least min_liters in total, carrying deductible
//   tax of at least min_tax (虚开增值税专用发票 threshold by default). The model holds no
//   fuel capacity of the buyer's fleet or equipment yet (equipment_fleet keeps only the
//   company), so the capacity comparison (invoiced litres over 年耗油能力) must be made by
//   the reviewer: the clue lists the invoices, litres and suppliers to compare.
// legal_basis: [刑法 205 虚开增值税专用发票罪, 刑法 201 逃税罪]
// params:
//   year: {type: int, default: 2023, min: 1990, max: 2100}
//   goods_keywords: {type: list, items: string, default: [复合柴油, 燃料油, 稀释剂, 溶剂油, 混合芳烃, 轻循环油, 调和油, 生物柴油]}
//   min_liters: {type: float, default: 200000, min: 0}
//   min_tax: {type: float, default_from: thresholds.vat_invoice_tax_cny, min: 0}
// returns: [buyer, year, suppliers, invoices, invoice_count, liters, amount, tax, members]
// backends: [neo4j, falkordb]
// tags: [oil, tax, invoices]
// inferred: true
// members: members
// score: tax
// explain_zh: "{buyer} 在 {year} 年取得 {invoice_count} 张“非成品油”类专用发票（{liters} 升，金额 {amount} 元，税额 {tax} 元），开票方 {suppliers}；请与其车辆设备年耗油能力比对。"
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
RETURN b.uid AS buyer, y AS year, suppliers, invoices, size(invoices) AS invoice_count, round(liters) AS liters,
       round(amount * 100) / 100.0 AS amount, round(tax * 100) / 100.0 AS tax,
       [b.uid] + suppliers + invoices AS members
