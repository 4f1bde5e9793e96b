// ---
// id: linkage.disqualified_officer_acting
// version: 2
// title: {zh: 刑满未逾禁止期担任法定代表人, en: Convict acting as legal representative within the disqualification period}
// description: >
//   A person convicted (stage 判决) of a crime whose charge contains one of charge_keywords
//   (贪污、贿赂、侵占财产、挪用财产、破坏社会主义市场经济秩序) is legal representative of a
//   company with an appointment date (LEGAL_REPRESENTATIVE_OF.since) on or before the end
//   of the disqualification period: sentence served (the recorded release date 刑满日期
//   when the judgment record has one, else judgment date + the months of a fixed-term
//   sentence "有期徒刑N个月", other sentences counting as 0 months) plus
//   disqualification_years. An appointment without a date counts as acting at the
//   judgment date. One row per conviction and company.
// legal_basis: [公司法 第一百七十八条第一款第（二）项, 刑法 271 职务侵占罪]
// params:
//   disqualification_years: {type: float, default: 5, min: 0, description: years after the sentence is served}
//   charge_keywords: {type: list, items: string, default: [贪污, 贿赂, 受贿, 行贿, 侵占, 挪用, 诈骗, 走私, 伪劣, 假冒, 虚开, 逃税, 洗钱, 非法经营, 非法吸收公众存款, 骗取贷款, 违法发放贷款, 内幕交易, 操纵证券]}
// returns: [person, conviction, charge, judged_on, released_on, company, appointed_on, members]
// backends: [neo4j, falkordb]
// tags: [linkage, disqualification, company-officers]
// members: members
// score: appointed_on
// explain_zh: "{person} 因 {charge} 被判刑（{conviction}），在任职禁止期内担任 {company} 的法定代表人。"
// ---
MATCH (x:Person)-[pc:PARTY_OF]->(c:CriminalCase)
WHERE c.stage = '判决' AND any(k IN $charge_keywords WHERE c.charge CONTAINS k)
WITH x, c, coalesce(toInteger(replace(replace(coalesce(c.sentence, ''), '有期徒刑', ''), '个月', '')), 0) AS months
WITH x, c, coalesce(c.released_on, c.decided_on + toInteger(round(months * 30.436875 * 86400000.0))) AS released
MATCH (x)-[l:LEGAL_REPRESENTATIVE_OF]->(co:Company)
WITH x, c, released, co, coalesce(l.since, c.decided_on) AS appointed
WHERE appointed <= released + toInteger(round($disqualification_years * 365.25 * 86400000.0))
WITH x, c, released, co, min(appointed) AS appointed
RETURN x.uid AS person, c.uid AS conviction, c.charge AS charge, c.decided_on AS judged_on, released AS released_on,
       co.uid AS company, appointed AS appointed_on, [x.uid, c.uid, co.uid] AS members
