// ---
// id: finbench.tcr3_shortest_transfer_path
// version: 1
// title: {zh: 两账户间最短转账路径长度, en: "FinBench TCR3: shortest transfer path"}
// description: >
//   LDBC FinBench transaction complex read 3. Length of the shortest path of transfers
//   from src to dst, every transfer strictly inside (startTime, endTime) (no time
//   order along the path); 1 when directly connected, -1 when there is no path.
//   Bidirectional breadth-first search unrolled to 16 steps (one level per step, taken on
//   the side with the smaller frontier: forward over outgoing transfers from src, backward
//   over incoming transfers to dst; stops once the two searches meet): a path longer than
//   16 hops is reported as -1. When a level first reaches an account the other side has
//   seen, forward depth + backward depth is the exact length. The same text
//   runs on both engines; FalkorDB has no shortest-path match with a relationship filter.
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
MATCH (a:Entity:BankAccount {uid: $id1}), (b:Entity:BankAccount {uid: $id2})
WITH a, b, [a] AS fa, [a] AS sa, [b] AS fb, [b] AS sb, CASE WHEN a = b THEN -2 ELSE -1 END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 1 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 2 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 3 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 4 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 5 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 6 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 7 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 8 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 9 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 10 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 11 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 12 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 13 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 14 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 15 ELSE d END AS d
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) > size(fb) THEN [] ELSE fa END AS m
  MATCH (m)-[e:TRANSFERRED_TO]->(n:BankAccount)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nf
}
CALL {
  WITH fa, fb, d
  UNWIND CASE WHEN d <> -1 OR size(fa) <= size(fb) THEN [] ELSE fb END AS m
  MATCH (n:BankAccount)-[e:TRANSFERRED_TO]->(m)
  WHERE e.ts > $startTime AND e.ts < $endTime
  RETURN collect(DISTINCT n) AS nb
}
WITH a, b, d, sa, sb, size(fa) <= size(fb) AS fwd, fa, fb, [x IN nf WHERE NOT x IN sa] AS nf, [x IN nb WHERE NOT x IN sb] AS nb
WITH a, b, sa + nf AS sa, sb + nb AS sb, CASE WHEN fwd THEN nf ELSE fa END AS fa, CASE WHEN fwd THEN fb ELSE nb END AS fb,
     CASE WHEN d = -1 AND (any(x IN nf WHERE x IN sb) OR any(x IN nb WHERE x IN sa)) THEN 16 ELSE d END AS d
RETURN a.uid AS src, b.uid AS dst, CASE WHEN d < 0 THEN -1 ELSE d END AS shortestPathLength, [a.uid, b.uid] AS members
