// ---
// id: oiltax.circular_invoicing
// version: 1
// title: {zh: 关联企业之间循环开票, en: Circular invoicing among related companies}
// description: >
//   VAT special invoices that run in a cycle of three or four companies
//   (A -> B -> C (-> D) -> A, seller to buyer), all issued within max_days, of similar
//   amounts (smallest over largest at least min_amount_ratio), each at least min_amount,
//   among companies that are related: they share a phone, an address or a legal
//   representative (at least min_shared such shared identifiers). Each cycle is reported
//   once, starting at its smallest company uid.
// legal_basis: [刑法 205 虚开增值税专用发票罪, 刑法 205-1 虚开发票罪]
// params:
//   max_days: {type: int, default: 60, min: 1, max: 3650}
//   min_amount: {type: float, default: 100000, min: 0}
//   min_amount_ratio: {type: float, default: 0.8, min: 0, max: 1}
//   min_shared: {type: int, default: 1, min: 0}
// returns: [companies, cycle_length, invoices, total_amount, total_tax, span_days, shared, members]
// backends: [neo4j, falkordb]
// tags: [oil, tax, invoices, cycle]
// inferred: true
// members: members
// score: total_tax
// explain_zh: "{cycle_length} 家关联企业（共用 {shared}）在 {span_days} 天内循环开具金额相近的专用发票 {invoices}，合计金额 {total_amount} 元、税额 {total_tax} 元。"
// ---
MATCH (c1:Company)-[v1:INVOICED]->(i1:Invoice)-[b1:BILLED_TO]->(c2:Company)-[v2:INVOICED]->(i2:Invoice)-[b2:BILLED_TO]->(c3:Company)-[v3:INVOICED]->(i3:Invoice)-[b3:BILLED_TO]->(c1)
WHERE c1.uid < c2.uid AND c1.uid < c3.uid AND c2 <> c3
WITH [c1, c2, c3] AS cs, [i1, i2, i3] AS ivs, [i1.issued_on, i2.issued_on, i3.issued_on] AS ds
WITH cs, ivs, reduce(m = ds[0], d IN ds | CASE WHEN d > m THEN d ELSE m END)
              - reduce(m = ds[0], d IN ds | CASE WHEN d < m THEN d ELSE m END) AS span
WHERE span <= $max_days * 86400000
WITH cs, ivs, span, [x IN ivs | x.amount] AS amts
WITH cs, ivs, span, amts, reduce(m = amts[0], a IN amts | CASE WHEN a < m THEN a ELSE m END) AS lo,
     reduce(m = amts[0], a IN amts | CASE WHEN a > m THEN a ELSE m END) AS hi
WHERE lo >= $min_amount AND lo >= $min_amount_ratio * hi
CALL {
  WITH cs
  UNWIND cs AS x
  MATCH (x)-[r1:HAS_PHONE|LOCATED_AT]->(sh:Entity)<-[r2:HAS_PHONE|LOCATED_AT]-(y:Company)
  WHERE y IN cs AND x <> y
  RETURN collect(DISTINCT sh.uid) AS ids
}
CALL {
  WITH cs
  UNWIND cs AS x
  MATCH (x)<-[r3:LEGAL_REPRESENTATIVE_OF]-(rep:Person)-[r4:LEGAL_REPRESENTATIVE_OF]->(y:Company)
  WHERE y IN cs AND x <> y
  RETURN collect(DISTINCT rep.uid) AS reps
}
WITH cs, ivs, span, amts, ids + reps AS shared0
UNWIND (shared0 + [null]) AS s1
WITH cs, ivs, span, amts, s1 ORDER BY s1
WITH cs, ivs, span, amts, collect(s1) AS shared
WHERE size(shared) >= $min_shared
WITH cs, ivs, span, shared, reduce(t = 0.0, x IN ivs | t + x.amount) AS total, reduce(t = 0.0, x IN ivs | t + x.tax) AS tax
RETURN [c IN cs | c.uid] AS companies, size(cs) AS cycle_length, [x IN ivs | x.uid] AS invoices,
       round(total * 100) / 100.0 AS total_amount, round(tax * 100) / 100.0 AS total_tax, span / 86400000 AS span_days,
       shared, [c IN cs | c.uid] + [x IN ivs | x.uid] + shared AS members
UNION ALL
MATCH (c1:Company)-[v1:INVOICED]->(i1:Invoice)-[b1:BILLED_TO]->(c2:Company)-[v2:INVOICED]->(i2:Invoice)-[b2:BILLED_TO]->(c3:Company)-[v3:INVOICED]->(i3:Invoice)-[b3:BILLED_TO]->(c4:Company)-[v4:INVOICED]->(i4:Invoice)-[b4:BILLED_TO]->(c1)
WHERE c1.uid < c2.uid AND c1.uid < c3.uid AND c1.uid < c4.uid AND c2 <> c3 AND c2 <> c4 AND c3 <> c4
WITH [c1, c2, c3, c4] AS cs, [i1, i2, i3, i4] AS ivs, [i1.issued_on, i2.issued_on, i3.issued_on, i4.issued_on] AS ds
WITH cs, ivs, reduce(m = ds[0], d IN ds | CASE WHEN d > m THEN d ELSE m END)
              - reduce(m = ds[0], d IN ds | CASE WHEN d < m THEN d ELSE m END) AS span
WHERE span <= $max_days * 86400000
WITH cs, ivs, span, [x IN ivs | x.amount] AS amts
WITH cs, ivs, span, amts, reduce(m = amts[0], a IN amts | CASE WHEN a < m THEN a ELSE m END) AS lo,
     reduce(m = amts[0], a IN amts | CASE WHEN a > m THEN a ELSE m END) AS hi
WHERE lo >= $min_amount AND lo >= $min_amount_ratio * hi
CALL {
  WITH cs
  UNWIND cs AS x
  MATCH (x)-[r1:HAS_PHONE|LOCATED_AT]->(sh:Entity)<-[r2:HAS_PHONE|LOCATED_AT]-(y:Company)
  WHERE y IN cs AND x <> y
  RETURN collect(DISTINCT sh.uid) AS ids
}
CALL {
  WITH cs
  UNWIND cs AS x
  MATCH (x)<-[r3:LEGAL_REPRESENTATIVE_OF]-(rep:Person)-[r4:LEGAL_REPRESENTATIVE_OF]->(y:Company)
  WHERE y IN cs AND x <> y
  RETURN collect(DISTINCT rep.uid) AS reps
}
WITH cs, ivs, span, amts, ids + reps AS shared0
UNWIND (shared0 + [null]) AS s1
WITH cs, ivs, span, amts, s1 ORDER BY s1
WITH cs, ivs, span, amts, collect(s1) AS shared
WHERE size(shared) >= $min_shared
WITH cs, ivs, span, shared, reduce(t = 0.0, x IN ivs | t + x.amount) AS total, reduce(t = 0.0, x IN ivs | t + x.tax) AS tax
RETURN [c IN cs | c.uid] AS companies, size(cs) AS cycle_length, [x IN ivs | x.uid] AS invoices,
       round(total * 100) / 100.0 AS total_amount, round(tax * 100) / 100.0 AS total_tax, span / 86400000 AS span_days,
       shared, [c IN cs | c.uid] + [x IN ivs | x.uid] + shared AS members
