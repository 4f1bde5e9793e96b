// ---
// id: loans.professional_borrower
// version: 1
// title: {zh: 职业背债人：短期内多家银行多笔贷款且无收入, en: Professional borrower (many loans at many banks, no income)}
// description: >
//   A person who applied for at least min_loans loans at at least min_banks different
//   banks within window_days (the window starting at each application is tried; the
//   one with most loans is reported) while the income declared in the loan files is at
//   most max_income (no income declared counts as none). The bank is the part of the
//   issuing branch's name before 股份/有限 (中国建设银行股份有限公司北京朝阳支行 -> 中国建设银行).
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪]
// params:
//   min_loans: {type: int, default: 4, min: 2}
//   min_banks: {type: int, default: 3, min: 1}
//   window_days: {type: int, default: 365, min: 1, max: 3650}
//   max_income: {type: float, default: 60000, min: 0, description: highest declared annual income (元) of a borrower without income}
// returns: [borrower, loans, loan_count, banks, total_amount, income, window_start, window_end, window_days_used, members]
// backends: [neo4j, falkordb]
// tags: [loans, professional-borrower]
// inferred: true
// members: members
// score: loan_count + banks
// explain_zh: "{borrower} 在一个 {window_days_used} 天的时间窗口内于 {banks} 家银行取得 {loan_count} 笔贷款（合计 {total_amount} 元），申报年收入 {income} 元。"
// ---
MATCH (p:Person)-[a1:APPLIED_FOR]->(l1:LoanAccount)
WHERE coalesce(p.income, 0) <= $max_income AND l1.applied_on IS NOT NULL
MATCH (p)-[a2:APPLIED_FOR]->(l2:LoanAccount)
WHERE l2.applied_on >= l1.applied_on AND l2.applied_on <= l1.applied_on + $window_days * 86400000
OPTIONAL MATCH (l2)-[ib:ISSUED_BY]->(br:Company)
WITH p, l1.applied_on AS start, l2, split(split(coalesce(br.name, last(split(br.uid, ':'))), '股份')[0], '有限')[0] AS bank
ORDER BY l2.uid
WITH p, start, collect(DISTINCT l2.uid) AS ls, sum(l2.amount) AS amt, max(l2.applied_on) AS last,
     collect(DISTINCT bank) AS banks
WHERE size(ls) >= $min_loans AND size(banks) >= $min_banks
WITH p, start, ls, amt, last, banks
ORDER BY size(ls) DESC, size(banks) DESC, amt DESC, start ASC
WITH p, collect([ls, amt, start, last, size(banks)])[0] AS w
RETURN p.uid AS borrower, w[0] AS loans, size(w[0]) AS loan_count, w[4] AS banks,
       round(w[1] * 100) / 100.0 AS total_amount, coalesce(p.income, 0) AS income,
       w[2] AS window_start, w[3] AS window_end, (w[3] - w[2]) / 86400000 AS window_days_used,
       [p.uid] + w[0] AS members
