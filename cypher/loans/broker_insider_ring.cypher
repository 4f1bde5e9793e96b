// ---
// id: loans.broker_insider_ring
// version: 2
// title: {zh: 中介与银行客户经理勾连集中办理经营贷, en: Broker and bank insider business-loan ring}
// description: >
//   An intermediary (介绍人/中介) brokers at least min_loans loans of loan_type (default
//   经营贷) that the same loan officer (客户经理) approved within window_days. The window
//   starting at each approval is tried; the one with most loans (then the largest total,
//   then the earliest start) is reported. Broker nodes that entity resolution joined
//   (SAME_AS: loan files write one intermediary's name in several ways) count as one
//   broker, reported as the smallest uid among a node and its SAME_AS neighbours (the
//   registered company, when resolution joined the written names to it); the broker
//   nodes the loans were filed under are members too. Money sent from the broker side (the broker node,
//   a party of the same name, or the legal representative of a company of that name) to
//   accounts of a person bearing the officer's name, and kinship (RELATED_TO) between the
//   two sides, raise the score (kickbacks of about 1% of the loans are typical). Names are
//   compared because loan files name intermediaries and officers without ID numbers: a
//   money link is a lead to verify, not an identification. The clue says whether the loans
//   reach the 违法发放贷款 amount (lending_threshold) and the money the 非国家工作人员受贿
//   amount (bribery_threshold); neither is required.
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪, 刑法 186 违法发放贷款罪, 刑法 163 非国家工作人员受贿罪]
// params:
//   loan_type: {type: string, default: 经营贷}
//   min_loans: {type: int, default: 3, min: 2}
//   window_days: {type: int, default: 60, min: 1, max: 3650}
//   lending_threshold: {type: float, default_from: thresholds.illegal_lending_amount_cny, min: 0}
//   bribery_threshold: {type: float, default_from: thresholds.nonstate_bribery_cny, min: 0}
// returns: [broker, officer, loans, loan_count, total_amount, window_start, window_end, window_days_used, money_links, money_total, kin_links, over_lending_threshold, over_bribery_threshold, members]
// backends: [neo4j, falkordb]
// tags: [loans, broker, insider, ring]
// inferred: true
// members: members
// score: loan_count + 5 * money_links + 5 * kin_links + 5 * over_bribery_threshold
// explain_zh: "中介 {broker} 在 {window_days_used} 天内介绍 {loan_count} 笔贷款（合计 {total_amount} 元），均由客户经理 {officer} 审批；双方资金往来 {money_links} 笔（{money_total} 元），亲属关系 {kin_links} 条。"
// ---
MATCH (b0:Entity)-[r0:BROKERED]->(l0:LoanAccount)
WHERE l0.loan_type = $loan_type
WITH DISTINCT b0
OPTIONAL MATCH (b0)-[sa:SAME_AS]-(s:Entity)
WITH b0, min(s.uid) AS su
WITH b0, CASE WHEN su IS NOT NULL AND su < b0.uid THEN su ELSE b0.uid END AS buid
MATCH (b0)-[r1:BROKERED]->(l1:LoanAccount)-[a1:APPROVED_BY]->(o:Person)
WHERE l1.loan_type = $loan_type AND a1.on IS NOT NULL
WITH buid, o, l1, a1.on AS day, b0 ORDER BY b0.uid
WITH buid, o, l1, day, collect(DISTINCT b0.uid) AS bs
WITH buid, o, collect([l1.uid, day, l1.amount, bs]) AS lns
WHERE size(lns) >= $min_loans
UNWIND lns AS s1
WITH DISTINCT buid, o, lns, s1[1] AS start
UNWIND lns AS x
WITH buid, o, start, x
WHERE x[1] >= start AND x[1] <= start + $window_days * 86400000
WITH buid, o, start, x ORDER BY x[0]
WITH buid, o, start, collect(DISTINCT x[0]) AS ls, sum(x[2]) AS amt, max(x[1]) AS last,
     collect(x[3]) AS bnl
WHERE size(ls) >= $min_loans
WITH buid, o, start, ls, amt, last, reduce(acc = [], y IN bnl | acc + y) AS bnodes
ORDER BY size(ls) DESC, amt DESC, start ASC
WITH buid, o, collect([ls, amt, start, last, bnodes])[0] AS w
MATCH (b:Entity {uid: buid})
WITH b, o, w, CASE WHEN b.name IS NULL THEN last(split(b.uid, ':')) ELSE b.name END AS bname
CALL {
  WITH b, o, bname
  OPTIONAL MATCH (y:Person)-[ow2:OWNS]->(a2:BankAccount)<-[t:TRANSFERRED_TO]-(a1:BankAccount)<-[ow1:OWNS]-(x:Entity)
  WHERE y.name = o.name AND x <> y
  OPTIONAL MATCH (x)-[lr:LEGAL_REPRESENTATIVE_OF]->(xc:Company)
  WITH b, bname, x, y, t, collect(xc.name) AS xcos
  WITH x, y, t, (t IS NOT NULL AND (x = b OR x.name = bname OR bname IN xcos)) AS hit
  WITH x, y, t, hit ORDER BY x.uid, y.uid
  RETURN sum(CASE WHEN hit THEN 1 ELSE 0 END) AS money_links,
         sum(CASE WHEN hit THEN t.amount ELSE 0 END) AS money_amt,
         [p IN collect(CASE WHEN hit THEN [x.uid, y.uid] END) | p] AS money_parties
}
CALL {
  WITH o, bname
  OPTIONAL MATCH (y:Person)-[k:RELATED_TO]-(x:Person)
  WHERE y.name = o.name AND x.name = bname
  RETURN count(k) AS kin_links
}
WITH b, o, w, money_links, money_amt, kin_links, money_parties
UNWIND (money_parties + [[]]) AS mp
UNWIND (mp + [null]) AS pu
WITH b, o, w, money_links, money_amt, kin_links, pu ORDER BY pu
WITH b, o, w, money_links, money_amt, kin_links, collect(DISTINCT pu) AS parties
RETURN b.uid AS broker, o.uid AS officer, w[0] AS loans, size(w[0]) AS loan_count,
       round(w[1] * 100) / 100.0 AS total_amount, w[2] AS window_start, w[3] AS window_end,
       (w[3] - w[2]) / 86400000 AS window_days_used,
       toInteger(money_links) AS money_links, round(money_amt * 100) / 100.0 AS money_total, kin_links,
       w[1] >= $lending_threshold AS over_lending_threshold, money_amt >= $bribery_threshold AS over_bribery_threshold,
       [b.uid, o.uid] + w[0] + [u IN w[4] WHERE u <> b.uid] + parties AS members
