// ---
// id: linkage.nonprosecution_no_penalty
// version: 1
// title: {zh: 行刑反向衔接：不起诉后未受行政处罚, en: Non-prosecuted person without a later administrative penalty}
// description: >
//   Reverse linkage (行刑反向衔接). A person named in a non-prosecution decision (with a
//   procuratorial opinion recommending an administrative penalty when require_opinion is
//   true) has no administrative penalty decided on or after the decision date, and the
//   opinion's reply deadline (decision date + reply_days) has passed at the evaluation
//   date as_of (1970-01-01, the default, means today). One row per decision and person.
// legal_basis: [刑事诉讼法 第一百七十七条第三款, 人民检察院刑事诉讼规则 第三百七十三条, 关于推进行政执法与刑事司法衔接工作的规定]
// params:
//   reply_days: {type: int, default: 60, min: 0, description: reply deadline of the procuratorial opinion (two months)}
//   require_opinion: {type: bool, default: true, description: only decisions with a procuratorial opinion (检察意见)}
//   as_of: {type: date, default: "1970-01-01", description: evaluation date; the default (1970-01-01) means today}
// returns: [decision, decision_no, person, decided_on, reply_deadline, members]
// backends: [neo4j, falkordb]
// tags: [linkage, reverse-linkage, 检察意见]
// members: members
// score: reply_deadline
// explain_zh: "不起诉决定 {decision_no} 的被不起诉人 {person} 在检察意见回复期限届满后仍无任何行政处罚记录。"
// ---
MATCH (x:Person)-[r:PARTY_OF]->(n:NonProsecution)
WHERE $require_opinion = false OR n.recommended_penalty = true
WITH x, n, n.decided_on + $reply_days * 86400000 AS deadline,
     CASE WHEN $as_of > 0 THEN $as_of ELSE timestamp() END AS asof
WHERE deadline < asof
OPTIONAL MATCH (x)-[rp:PARTY_OF]->(p:AdminPenalty)
WHERE p.decided_on >= n.decided_on AND p.decided_on <= asof
WITH x, n, deadline, count(p) AS later
WHERE later = 0
RETURN n.uid AS decision, n.decision_no AS decision_no, x.uid AS person, n.decided_on AS decided_on,
       deadline AS reply_deadline, [n.uid, x.uid] AS members
