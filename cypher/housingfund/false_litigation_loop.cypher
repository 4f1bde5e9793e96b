// ---
// id: housingfund.false_litigation_loop
// version: 1
// title: {zh: 虚假诉讼套取住房公积金资金闭环, en: False litigation loop to draw housing provident funds}
// description: >
//   A housing-fund withdrawal ordered by an enforcement case that follows a judicial
//   confirmation (司法确认) confirmed at most max_confirm_days after a mediation (调解);
//   the fund is paid to the creditor's account, and within return_days of the payment
//   that account transfers back to an account of the debtor (the fund member) an amount
//   between min_return_ratio and max_return_ratio of the withdrawal. Loops are grouped
//   by the creditor (申请人); a creditor with at least min_cases such cases is a clue.
//   Agents (委托代理人) are reported by name (they are record mentions, not resolved persons).
// legal_basis: [刑法 307-1 虚假诉讼罪, 民事诉讼法 第二百一十五条, 住房公积金管理条例 第二十四条]
// params:
//   max_confirm_days: {type: int, default: 1, min: 0, description: days from mediation to judicial confirmation}
//   return_days: {type: int, default: 1, min: 1, description: the return transfer happens within this many days of the fund payment (1 = same day)}
//   min_return_ratio: {type: float, default: 0.8, min: 0, max: 1}
//   max_return_ratio: {type: float, default: 1.2, min: 1}
//   min_cases: {type: int, default: 2, min: 1, description: loop cases per creditor}
// returns: [creditor, cases, debtors, agents, withdrawn, returned, members]
// backends: [neo4j, falkordb]
// tags: [housing-fund, false-litigation, money-loop, civil-supervision]
// members: members
// score: cases
// explain_zh: "债权人 {creditor} 在 {cases} 起调解—次日司法确认—执行案件中提取债务人公积金共 {withdrawn} 元，当日将 {returned} 元转回债务人；代理人：{agents}。"
// ---
MATCH (d:Person)-[wr:WITHDREW]->(w:HousingFundWithdrawal)-[ob:ORDERED_BY]->(e:CourtCase)-[f1:FOLLOWS]->(c:CourtCase)-[f2:FOLLOWS]->(m:CourtCase)
WHERE c.kind = '司法确认' AND m.kind CONTAINS '调解' AND c.decided_on >= m.decided_on
  AND c.decided_on <= m.decided_on + $max_confirm_days * 86400000
MATCH (cr:Person)-[pc:PARTY_OF]->(e)
WHERE pc.role = '申请人' AND cr <> d
MATCH (w)-[pt:PAID_TO]->(ca:BankAccount)-[t:TRANSFERRED_TO]->(da:BankAccount)<-[o:OWNS]-(d)
WHERE t.ts >= w.paid_on AND t.ts < w.paid_on + $return_days * 86400000
  AND t.amount >= w.amount * $min_return_ratio AND t.amount <= w.amount * $max_return_ratio
WITH cr, d, w, e, c, m, max(t.amount) AS back
OPTIONAL MATCH (ag:Person)-[pa:PARTY_OF]->(e)
WHERE pa.role = '委托代理人'
WITH cr, d, w, e, c, m, back, ag ORDER BY ag.name
WITH cr, d, w, e, c, m, back, head(collect(ag.name)) AS agent
WITH cr, d, w, e, c, m, back, agent ORDER BY e.uid
WITH cr, count(e) AS cases, collect(d.uid) AS debtors, collect(DISTINCT agent) AS agents,
     sum(w.amount) AS withdrawn, sum(back) AS returned,
     collect(d.uid) + collect(w.uid) + collect(e.uid) + collect(c.uid) + collect(m.uid) AS docs
WHERE cases >= $min_cases
RETURN cr.uid AS creditor, cases, debtors, agents, toInteger(round(withdrawn)) AS withdrawn,
       toInteger(round(returned)) AS returned, [cr.uid] + docs AS members
