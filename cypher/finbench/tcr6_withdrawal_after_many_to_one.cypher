// ---
// id: finbench.tcr6_withdrawal_after_many_to_one
// version: 1
// title: {zh: 多对一归集后取现, en: "FinBench TCR6: withdrawal after many-to-one transfer"}
// description: >
//   LDBC FinBench transaction complex read 6. For a card account, the accounts (mid)
//   that withdrew to it inside (startTime, endTime) with amount above threshold2 and
//   that received more than 3 transfers inside the window with amount above
//   threshold1. Per mid: sum of those transfers in and of the withdrawals to the card.
//   Truncation: the card's withdrawals in and each mid's transfers in (inside the
//   window, above the threshold) are sorted by timestamp and cut to truncationLimit.
// legal_basis: [刑法 191 洗钱罪, 刑法 312 掩饰、隐瞒犯罪所得罪, 刑法 287-2 帮助信息网络犯罪活动罪]
// params:
//   id: {type: string, description: uid of the card BankAccount}
//   threshold1: {type: float, default: 0, min: 0}
//   threshold2: {type: float, default: 0, min: 0}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
//   truncationLimit: {type: int, default: 1000000, min: 1}
//   truncationOrder: {type: string, default: TIMESTAMP_DESCENDING, choices: [TIMESTAMP_ASCENDING, TIMESTAMP_DESCENDING]}
// returns: [mid, numEdge1, sumEdge1Amount, sumEdge2Amount, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, pooling, cash-out]
// members: members
// score: sumEdge2Amount
// explain_zh: "账户 {mid} 收到 {numEdge1} 笔转入（合计 {sumEdge1Amount} 元）后向该卡取现/提现 {sumEdge2Amount} 元。"
// ---
MATCH (dst:Entity:BankAccount {uid: $id})<-[e:WITHDREW_TO]-(mid:BankAccount)
WHERE e.ts > $startTime AND e.ts < $endTime AND e.amount > $threshold2
WITH dst, mid, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
WITH dst, collect([mid, e.amount])[0..$truncationLimit] AS ws
UNWIND ws AS w
WITH dst, w[0] AS mid, sum(w[1]) AS s2
MATCH (src:BankAccount)-[e:TRANSFERRED_TO]->(mid)
WHERE e.ts > $startTime AND e.ts < $endTime AND e.amount > $threshold1
WITH dst, mid, s2, e ORDER BY CASE WHEN $truncationOrder = 'TIMESTAMP_DESCENDING' THEN -e.ts ELSE e.ts END, e.rid
WITH dst, mid, s2, collect(e.amount)[0..$truncationLimit] AS ins
WHERE size(ins) > 3
RETURN mid.uid AS mid, size(ins) AS numEdge1,
       round(reduce(s = 0.0, x IN ins | s + x) * 1000) / 1000.0 AS sumEdge1Amount,
       round(s2 * 1000) / 1000.0 AS sumEdge2Amount, [dst.uid, mid.uid] AS members
