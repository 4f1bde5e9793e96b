// ---
// id: finbench.tcr4_three_account_cycle
// version: 1
// title: {zh: 三账户转账闭环, en: "FinBench TCR4: three accounts in a transfer cycle"}
// description: >
//   LDBC FinBench transaction complex read 4. If src transferred to dst inside
//   (startTime, endTime), find every other account that received from dst and sent to
//   src inside the window; per other account, count, sum and max of the transfers
//   other->src (edge2 columns) and dst->other (edge3 columns), as the spec's result
//   descriptions name them. Nothing when src never paid dst in the window.
// legal_basis: [刑法 191 洗钱罪, 刑法 205 虚开增值税专用发票罪（资金回流）]
// params:
//   id1: {type: string, description: uid of the src BankAccount}
//   id2: {type: string, description: uid of the dst BankAccount}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
// returns: [other, numEdge2, sumEdge2Amount, maxEdge2Amount, numEdge3, sumEdge3Amount, maxEdge3Amount, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, cycle]
// members: members
// score: sumEdge2Amount
// explain_zh: "账户 {other} 收到目标账户转入 {numEdge3} 笔（{sumEdge3Amount} 元）并向源账户转回 {numEdge2} 笔（{sumEdge2Amount} 元），与两账户构成转账闭环。"
// ---
MATCH (src:Entity:BankAccount {uid: $id1})-[e1:TRANSFERRED_TO]->(dst:Entity:BankAccount {uid: $id2})
WHERE e1.ts > $startTime AND e1.ts < $endTime
WITH src, dst LIMIT 1
MATCH (dst)-[e3:TRANSFERRED_TO]->(other:BankAccount)
WHERE e3.ts > $startTime AND e3.ts < $endTime AND other <> src AND other <> dst
WITH src, dst, other, count(e3) AS n3, sum(e3.amount) AS s3, max(e3.amount) AS m3
MATCH (other)-[e2:TRANSFERRED_TO]->(src)
WHERE e2.ts > $startTime AND e2.ts < $endTime
WITH src, dst, other, n3, s3, m3, count(e2) AS n2, sum(e2.amount) AS s2, max(e2.amount) AS m2
RETURN other.uid AS other, n2 AS numEdge2, round(s2 * 1000) / 1000.0 AS sumEdge2Amount,
       round(m2 * 1000) / 1000.0 AS maxEdge2Amount, n3 AS numEdge3, round(s3 * 1000) / 1000.0 AS sumEdge3Amount,
       round(m3 * 1000) / 1000.0 AS maxEdge3Amount, [src.uid, dst.uid, other.uid] AS members
