// ---
// id: generic.fan_in
// version: 2
// title: {zh: 多对一集中转入, en: Fan-in (many senders to one account)}
// description: >
//   An account receives transfers from at least min_senders distinct accounts within a
//   sliding window of window_ms, totalling at least min_total. The window starting at
//   each incoming transfer is tried; the one with most senders (then largest total,
//   then earliest start) is reported. min_split_senders (default 0, off) further asks
//   that at least that many of the senders split their payment into two or more
//   transfers inside the window (拆分转入: structuring to stay under reporting
//   thresholds or to look like ordinary payments); ordinary customers of an account pay
//   once per occasion. AMLSim parameter set (bench/amlsim.py, AMLSim-specific, not the
//   default): window_ms = 150 days (the whole simulated run, whose fan-in senders pay
//   weeks apart), min_total 0 (simulated amounts are tiny), min_split_senders 1.
//   Performance: only accounts with at least min_senders incoming transfers (the store's
//   degree: COUNT {} here, indegree() in the .falkordb.cypher sibling, which differs only
//   there) are read; each one's transfers are sorted by time once, a window is only
//   evaluated from a start whose min_senders-th transfer is still inside it, and its end
//   is found by binary search.
// legal_basis: [刑法 191 洗钱罪, 刑法 192 集资诈骗罪, 刑法 176 非法吸收公众存款罪]
// params:
//   window_ms: {type: int, default: 86400000, min: 1}
//   min_senders: {type: int, default: 5, min: 2}
//   min_amount: {type: float, default: 0, min: 0, description: only transfers of at least this amount count}
//   min_total: {type: float, default_from: thresholds.large_transfer_individual_cny, min: 0}
//   min_split_senders: {type: int, default: 0, min: 0, description: senders with two or more transfers in the window}
// returns: [account, senders, split_senders, total_amount, window_start, members]
// backends: [neo4j, falkordb]
// tags: [aml, fan-in, pooling]
// members: members
// score: total_amount
// explain_zh: "账户 {account} 在一个时间窗口内收到 {senders} 个不同账户的转入（其中 {split_senders} 个分多笔转入），合计 {total_amount} 元。"
// ---
MATCH (a:BankAccount)
WHERE indegree(a, 'TRANSFERRED_TO') >= $min_senders
MATCH (s:BankAccount)-[t:TRANSFERRED_TO]->(a)
WHERE t.amount >= $min_amount AND t.ts IS NOT NULL
WITH a, t.ts AS ts, CASE WHEN s <> a THEN s.uid END AS other, t.amount AS amt
ORDER BY ts
WITH a, collect([ts, other, amt]) AS xs
WITH a, xs, [i IN range(0, size(xs) - $min_senders) WHERE (i = 0 OR xs[i - 1][0] < xs[i][0])
                AND xs[i + $min_senders - 1][0] <= xs[i][0] + $window_ms] AS starts
UNWIND starts AS i
WITH a, xs, i, reduce(b = [i, size(xs)], k IN range(1, 40) |
       CASE WHEN b[0] >= b[1] THEN b
            WHEN xs[(b[0] + b[1]) / 2][0] <= xs[i][0] + $window_ms THEN [(b[0] + b[1]) / 2 + 1, b[1]]
            ELSE [b[0], (b[0] + b[1]) / 2] END)[0] AS e
UNWIND range(i, e - 1) AS j
WITH a, xs[i][0] AS start, xs[j] AS x
WHERE x[1] IS NOT NULL
WITH a, start, x[1] AS src, sum(x[2]) AS amt, count(*) AS n
ORDER BY src
WITH a, start, count(src) AS senders, count(CASE WHEN n >= 2 THEN 1 END) AS split, sum(amt) AS total,
     collect(src) AS srcs
WHERE senders >= $min_senders AND total >= $min_total AND split >= $min_split_senders
WITH a, senders, split, total, start, srcs
ORDER BY senders DESC, total DESC, start ASC
WITH a, collect([senders, split, total, start, srcs])[0] AS best
RETURN a.uid AS account, best[0] AS senders, best[1] AS split_senders, toInteger(round(best[2])) AS total_amount,
       best[3] AS window_start, [a.uid] + best[4] AS members
