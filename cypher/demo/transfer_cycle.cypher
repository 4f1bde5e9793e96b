// ---
// id: demo.transfer_cycle
// title: {zh: 时间递增的三角循环转账, en: Time-ordered three-account transfer cycle}
// params:
//   window_ms: {type: int, default: 31536000000, min: 1}
//   limit: {type: int, default: 20, min: 1}
// returns: [a, b, c, amount, members]
// ---
MATCH (a:BankAccount)-[r1:TRANSFERRED_TO]->(b:BankAccount)-[r2:TRANSFERRED_TO]->(c:BankAccount)-[r3:TRANSFERRED_TO]->(a)
WHERE a.uid < b.uid AND a.uid < c.uid AND b <> c
  AND r1.ts < r2.ts AND r2.ts < r3.ts AND r3.ts - r1.ts <= $window_ms
RETURN a.uid AS a, b.uid AS b, c.uid AS c, toInteger(round(r1.amount + r2.amount + r3.amount)) AS amount,
       [a.uid, b.uid, c.uid] AS members
ORDER BY amount DESC, a, b, c
LIMIT $limit
