// ---
// id: generic.transfer_trace
// version: 2
// title: {zh: 时间递增的多跳资金追踪, en: Time-ordered multi-hop money trace}
// description: >
//   From one account, follow transfers forward for at most max_hops (<= 4) hops, each
//   transfer later than the previous one, inside [start, end] and at least min_amount;
//   no account twice on a trace; parallel transfers between the same two accounts make
//   one trace. One row per reached account: fewest hops, earliest arrival, number of
//   traces (distinct account sequences) and every account on them. Evaluated by
//   earliest arrival per trace prefix, one CALL subquery per hop, so multi-edges do not
//   blow up the enumeration.
// legal_basis: [刑法 191 洗钱罪, 刑法 312 掩饰、隐瞒犯罪所得、犯罪所得收益罪]
// params:
//   account: {type: string, description: uid of the start account}
//   max_hops: {type: int, default: 3, min: 1, max: 4}
//   start: {type: datetime, default: "1970-01-01T00:00:00"}
//   end: {type: datetime, default: "2100-01-01T00:00:00"}
//   min_amount: {type: float, default: 0, min: 0}
// returns: [target, hops, first_arrival, paths, members]
// backends: [neo4j, falkordb]
// tags: [aml, trace]
// members: members
// score: 0 - hops
// explain_zh: "资金自起点账户按时间顺序经 {hops} 跳到达账户 {target}，共 {paths} 条不同的账户链路。"
// ---
MATCH (a:Entity:BankAccount {uid: $account})  // Entity: the uid index is on the Entity label
WITH a, [[[a], $start - 1]] AS p0
CALL {
  WITH p0
  UNWIND p0 AS y
  WITH y[0] AS path, y[1] AS tm
  WHERE size(path) <= $max_hops
  WITH path, tm, path[size(path) - 1] AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts >= $start AND e.ts <= $end AND e.amount >= $min_amount AND NOT n IN path
  WITH path, n, min(e.ts) AS t
  RETURN collect([path + [n], t]) AS p1
}
CALL {
  WITH p1
  UNWIND p1 AS y
  WITH y[0] AS path, y[1] AS tm
  WHERE size(path) <= $max_hops
  WITH path, tm, path[size(path) - 1] AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts >= $start AND e.ts <= $end AND e.amount >= $min_amount AND NOT n IN path
  WITH path, n, min(e.ts) AS t
  RETURN collect([path + [n], t]) AS p2
}
CALL {
  WITH p2
  UNWIND p2 AS y
  WITH y[0] AS path, y[1] AS tm
  WHERE size(path) <= $max_hops
  WITH path, tm, path[size(path) - 1] AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts >= $start AND e.ts <= $end AND e.amount >= $min_amount AND NOT n IN path
  WITH path, n, min(e.ts) AS t
  RETURN collect([path + [n], t]) AS p3
}
CALL {
  WITH p3
  UNWIND p3 AS y
  WITH y[0] AS path, y[1] AS tm
  WHERE size(path) <= $max_hops
  WITH path, tm, path[size(path) - 1] AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > tm AND e.ts >= $start AND e.ts <= $end AND e.amount >= $min_amount AND NOT n IN path
  WITH path, n, min(e.ts) AS t
  RETURN collect([path + [n], t]) AS p4
}
UNWIND p1 + p2 + p3 + p4 AS tr
WITH tr[0] AS path, tr[1] AS arrival
WITH path[size(path) - 1] AS b, size(path) - 1 AS len, arrival, path
WITH b, min(len) AS hops, min(arrival) AS first_arrival, count(path) AS paths, collect(path) AS ps
UNWIND ps AS path
UNWIND path AS n
WITH b, hops, first_arrival, paths, n ORDER BY n.uid
WITH b, hops, first_arrival, paths, collect(DISTINCT n.uid) AS members
RETURN b.uid AS target, hops, first_arrival, paths, members
