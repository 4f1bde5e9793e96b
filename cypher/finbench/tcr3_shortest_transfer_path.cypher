// ---
// id: finbench.tcr3_shortest_transfer_path
// version: 1
// title: {zh: 两账户间最短转账路径长度, en: "FinBench TCR3: shortest transfer path"}
// description: >
//   LDBC FinBench transaction complex read 3. Length of the shortest path of transfers
//   from src to dst, every transfer strictly inside (startTime, endTime) (no time
//   order along the path); 1 when directly connected, -1 when there is no path.
//   Breadth-first search unrolled to 16 hops (one CALL subquery per hop, stopping once
//   dst is reached): a path longer than 16 hops is reported as -1. The same text runs on
//   both engines; FalkorDB has no shortest-path match with a relationship filter.
// legal_basis: [刑法 191 洗钱罪]
// params:
//   id1: {type: string, description: uid of the src BankAccount}
//   id2: {type: string, description: uid of the dst BankAccount}
//   startTime: {type: datetime, default: "1970-01-01T00:00:00"}
//   endTime: {type: datetime, default: "2100-01-01T00:00:00"}
// returns: [src, dst, shortestPathLength, members]
// backends: [neo4j, falkordb]
// tags: [finbench, ldbc, path]
// members: members
// score: shortestPathLength
// explain_zh: "账户 {src} 到账户 {dst} 在时间窗口内的最短转账路径长度为 {shortestPathLength}（-1 表示不连通）。"
// ---
MATCH (a:BankAccount {uid: $id1}), (b:BankAccount {uid: $id2})
WITH a, b, [a] AS f, [a] AS seen, -1 AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 1 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 2 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 3 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 4 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 5 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 6 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 7 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 8 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 9 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 10 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 11 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 12 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 13 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 14 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 15 ELSE d END AS d
CALL {
  WITH f, d
  UNWIND CASE WHEN d >= 0 THEN [] ELSE f END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nxt
}
WITH a, b, d, seen, [x IN nxt WHERE NOT x IN seen] AS f
WITH a, b, f, seen + f AS seen, CASE WHEN d < 0 AND b IN f THEN 16 ELSE d END AS d
RETURN a.uid AS src, b.uid AS dst, d AS shortestPathLength, [a.uid, b.uid] AS members
