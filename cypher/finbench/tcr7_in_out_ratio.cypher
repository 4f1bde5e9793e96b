// ---
// id: finbench.tcr7_in_out_ratio
// version: 1
// title: {zh: 账户转入转出比（快进快出）, en: "FinBench TCR7: transfer in/out ratio"}
// description: >
//   LDBC FinBench transaction complex read 7. For one account, the transfers in and out
//   inside (startTime, endTime) with amount above threshold (each side truncated to
//   truncationLimit transfers sorted by timestamp): number of distinct senders and
//   receivers and the ratio of amount in over amount out (-1 when nothing went out).
// legal_basis: [刑法 191 洗钱罪]
// params:
//   id: {type: string, description: uid of the mid BankAccount}
//   threshold: {type: float, default: 0, min: 0}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
//   truncationLimit: {type: int, default: 1000000, min: 1}
//   truncationOrder: {type: string, default: TIMESTAMP_DESCENDING, choices: [TIMESTAMP_ASCENDING, TIMESTAMP_DESCENDING]}
// returns: [account, numSrc, numDst, inOutRatio, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, pass-through]
// members: members
// score: numSrc + numDst
// explain_zh: "账户 {account} 在时间窗口内自 {numSrc} 个账户转入、向 {numDst} 个账户转出，转入/转出金额比为 {inOutRatio}。"
// ---
MATCH (mid:Entity:BankAccount {uid: $id})
OPTIONAL MATCH (s:BankAccount)-[e:TRANSFERRED_TO]->(mid)
WHERE e.ts > $startTime AND e.ts < $endTime AND e.amount > $threshold
WITH mid, s, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
WITH mid, collect(CASE WHEN e IS NULL THEN null ELSE [s.uid, e.amount] END)[0..$truncationLimit] AS ins
OPTIONAL MATCH (mid)-[e:TRANSFERRED_TO]->(d:BankAccount)
WHERE e.ts > $startTime AND e.ts < $endTime AND e.amount > $threshold
WITH mid, ins, d, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
WITH mid, ins, collect(CASE WHEN e IS NULL THEN null ELSE [d.uid, e.amount] END)[0..$truncationLimit] AS outs
WITH mid, ins, outs, reduce(s = 0.0, x IN ins | s + x[1]) AS amt_in, reduce(s = 0.0, x IN outs | s + x[1]) AS amt_out
UNWIND CASE WHEN size(ins) = 0 THEN [null] ELSE ins END AS i
WITH mid, outs, amt_in, amt_out, collect(DISTINCT i[0]) AS srcs
UNWIND CASE WHEN size(outs) = 0 THEN [null] ELSE outs END AS o
WITH mid, srcs, amt_in, amt_out, collect(DISTINCT o[0]) AS dsts
RETURN mid.uid AS account, size(srcs) AS numSrc, size(dsts) AS numDst,
       CASE WHEN amt_out = 0 THEN -1.0 ELSE round(amt_in / amt_out * 1000) / 1000.0 END AS inOutRatio,
       [mid.uid] AS members
