// ---
// id: demo.medium_shared_blocked
// title: {zh: 同一介质登录多个账户且含被冻结账户, en: One medium signs in to several accounts including a blocked one}
// params:
//   min_accounts: {type: int, default: 2, min: 2}
//   limit: {type: int, default: 20, min: 1}
// returns: [medium, accounts, blocked, members]
// ---
MATCH (m:Medium)-[:SIGNED_IN]->(a:BankAccount)
WITH m, collect(DISTINCT a) AS accs
WHERE size(accs) >= $min_accounts
WITH m, accs, [x IN accs WHERE x.is_blocked = true] AS blocked
WHERE size(blocked) >= 1
RETURN m.uid AS medium, size(accs) AS accounts, size(blocked) AS blocked,
       [m.uid] + [x IN accs | x.uid] AS members
ORDER BY blocked DESC, accounts DESC, medium
LIMIT $limit
