// ---
// id: demo.loan_fast_out
// title: {zh: 贷款放款后短期内转出, en: Loan proceeds moved on shortly after deposit}
// params:
//   window_ms: {type: int, default: 604800000, min: 1}
//   share: {type: float, default: 0.5, min: 0}
//   limit: {type: int, default: 20, min: 1}
// returns: [loan, account, deposited, moved_out, members]
// ---
MATCH (l:LoanAccount)-[d:DEPOSITED_TO]->(a:BankAccount)-[t:TRANSFERRED_TO]->(b:BankAccount)
WHERE t.ts > d.ts AND t.ts - d.ts <= $window_ms AND t.amount >= $share * d.amount
WITH l, a, d, b, t ORDER BY b.uid
WITH l, a, d, collect(DISTINCT b.uid) AS outs, sum(t.amount) AS moved
RETURN l.uid AS loan, a.uid AS account, toInteger(round(d.amount)) AS deposited, toInteger(round(moved)) AS moved_out,
       [l.uid, a.uid] + outs AS members
ORDER BY moved_out DESC, loan, account
LIMIT $limit
