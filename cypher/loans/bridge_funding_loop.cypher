// ---
// id: loans.bridge_funding_loop
// version: 1
// title: {zh: 垫资过桥：第三方垫付购房款、贷款资金快速回流, en: Bridge-funded purchase with loan proceeds flowing back}
// description: >
//   A third party (垫资方) transfers money to the borrower at most bridge_days before the
//   mortgage on the borrower's newly bought property is registered; the loan secured by
//   that property is paid out to a borrower's account, and from that account at least
//   min_return_ratio of the loan flows back to the funder's account within return_days of
//   the payout (过桥). The bridge must be at least min_bridge_ratio of the deal price.
//   Family help repaid in small monthly amounts is not a loop.
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪]
// params:
//   bridge_days: {type: int, default: 30, min: 1, max: 365}
//   return_days: {type: int, default: 7, min: 0, max: 90}
//   min_bridge_ratio: {type: float, default: 0.5, min: 0}
//   min_return_ratio: {type: float, default: 0.8, min: 0}
// returns: [funder, borrower, property, loan, bridge_amount, deal_price, loan_amount, returned_amount, days_bridge_to_mortgage, days_payout_to_return, members]
// backends: [neo4j, falkordb]
// tags: [loans, bridge-funding, money-loop]
// inferred: true
// members: members
// score: returned_amount
// explain_zh: "垫资方 {funder} 在抵押登记前 {days_bridge_to_mortgage} 天向借款人 {borrower} 转入 {bridge_amount} 元用于购房（{property}），贷款 {loan} 放款后 {days_payout_to_return} 天内回流垫资方 {returned_amount} 元。"
// ---
MATCH (bo:Person)-[pf:PAID_FOR]->(pr:Property)-[mu:MORTGAGED_UNDER]->(m:MortgageRegistration)
MATCH (pr)-[co:COLLATERAL_OF]->(l:LoanAccount)<-[ap:APPLIED_FOR]-(bo)
MATCH (l)-[dp:DEPOSITED_TO]->(la:BankAccount)<-[ow1:OWNS]-(bo)
WHERE pf.on <= m.registered_on
MATCH (fa:BankAccount)-[t1:TRANSFERRED_TO]->(ba:BankAccount)<-[ow2:OWNS]-(bo)
WHERE t1.ts <= m.registered_on + 86400000 AND t1.ts >= m.registered_on - $bridge_days * 86400000
  AND t1.amount >= $min_bridge_ratio * pf.amount
MATCH (la)-[t2:TRANSFERRED_TO]->(fa)
WHERE t2.ts >= dp.ts AND t2.ts <= dp.ts + ($return_days + 1) * 86400000
  AND t2.amount >= $min_return_ratio * dp.amount
MATCH (f:Entity)-[ow3:OWNS]->(fa)
WHERE f <> bo
WITH f, bo, pr, l, fa, la, t1, pf, dp, m, t2
ORDER BY t2.ts
WITH f, bo, pr, l, fa, la, t1, pf, dp, m, collect(t2)[0] AS t2
RETURN f.uid AS funder, bo.uid AS borrower, pr.uid AS property, l.uid AS loan,
       t1.amount AS bridge_amount, pf.amount AS deal_price, dp.amount AS loan_amount, t2.amount AS returned_amount,
       (m.registered_on - t1.ts) / 86400000 AS days_bridge_to_mortgage,
       (t2.ts - dp.ts) / 86400000 AS days_payout_to_return,
       [f.uid, bo.uid, pr.uid, l.uid, fa.uid, la.uid] AS members
