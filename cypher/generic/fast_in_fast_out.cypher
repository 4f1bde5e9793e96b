// ---
// id: generic.fast_in_fast_out
// version: 2
// title: {zh: 快进快出, en: Fast in, fast out}
// description: >
//   A pass-through account (过桥、走账): money arrives and almost all of it leaves again
//   within max_gap_ms, and the account does this repeatedly. A pair is an incoming
//   transfer of at least min_amount followed within max_gap_ms by an outgoing transfer
//   of between min_ratio and 1 times its amount (a conduit forwards what it received
//   less its cut, never more: the out-flow is matched to the in-flow in amount and time).
//   One row per account with at least min_pairs distinct incoming and min_pairs distinct
//   outgoing transfers in such pairs. Why min_pairs 2 by default: a single quick
//   forward is ordinary (paying a bill or a supplier on receipt, one hop of someone
//   else's chain); the typology is an account used as a conduit, i.e. repetition.
//   Why the two-hour gap and 0.9 ratio: 走账 accounts keep next to nothing and move the
//   money on the same business session; a fee of more than 10% is no longer a
//   pass-through.
//   Performance: only accounts with at least min_pairs incoming and min_pairs outgoing
//   transfers (the store's degree: COUNT {} here, indegree()/outdegree() in the
//   .falkordb.cypher sibling, which differs only there) are expanded.
// legal_basis: [刑法 191 洗钱罪, 刑法 175-1 骗取贷款罪（过桥资金）, 刑法 287-2 帮助信息网络犯罪活动罪]
// params:
//   max_gap_ms: {type: int, default: 7200000, min: 1, description: max time from transfer in to transfer out (ms)}
//   min_ratio: {type: float, default: 0.9, min: 0, max: 1, description: out amount at least this share of the in amount (and never more than it)}
//   min_amount: {type: float, default: 50000, min: 0, description: incoming transfer at least this amount}
//   min_pairs: {type: int, default: 2, min: 1, description: distinct incoming and distinct outgoing transfers in pairs}
// returns: [account, pairs, sources, targets, max_amount, min_gap_ms, members]
// backends: [neo4j, falkordb]
// tags: [aml, pass-through]
// members: members
// score: max_amount
// explain_zh: "账户 {account} 多次在收到转入后短时间内（最快 {min_gap_ms} 毫秒）转出相近金额（不超过转入额），共 {pairs} 对，涉及 {sources} 个来源账户、{targets} 个去向账户，单笔最高 {max_amount} 元。"
// ---
MATCH (m:BankAccount)
WHERE COUNT { (m)<-[:TRANSFERRED_TO]-() } >= $min_pairs AND COUNT { (m)-[:TRANSFERRED_TO]->() } >= $min_pairs
MATCH (s:BankAccount)-[i:TRANSFERRED_TO]->(m)-[o:TRANSFERRED_TO]->(d:BankAccount)
WHERE s <> m AND m <> d AND i <> o AND o.ts > i.ts AND o.ts - i.ts <= $max_gap_ms
  AND i.amount >= $min_amount AND o.amount <= i.amount AND o.amount >= i.amount * $min_ratio
WITH m, count(DISTINCT i) AS ins, count(DISTINCT o) AS outs, collect(DISTINCT s.uid) AS srcs,
     collect(DISTINCT d.uid) AS dsts, max(i.amount) AS best, min(o.ts - i.ts) AS gap
WHERE ins >= $min_pairs AND outs >= $min_pairs
UNWIND srcs + dsts AS x
WITH m, ins, outs, size(srcs) AS sources, size(dsts) AS targets, best, gap, x ORDER BY x
WITH m, ins, outs, sources, targets, best, gap, collect(DISTINCT x) AS xs
RETURN m.uid AS account, CASE WHEN ins < outs THEN ins ELSE outs END AS pairs, sources, targets,
       toInteger(round(best)) AS max_amount, gap AS min_gap_ms, [m.uid] + xs AS members
