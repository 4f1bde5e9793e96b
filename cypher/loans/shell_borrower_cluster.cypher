// ---
// id: loans.shell_borrower_cluster
// version: 1
// title: {zh: 新设零申报空壳借款企业集群, en: Cluster of fresh zero-tax shell borrowers}
// description: >
//   Borrower companies of loan_type loans (default 经营贷) that were registered at most
//   max_days_before_loan before applying and never declared revenue, tax or social
//   insurance (every filing zero, or no filing at all), and that share an address, a
//   phone or a registration agent (登记代理人) with at least min_companies - 1 other
//   such companies. Identifiers shared by the very same companies are reported as one
//   cluster; the registered capitals and the loan officers of the cluster are returned.
// legal_basis: [刑法 175-1 骗取贷款罪, 刑法 193 贷款诈骗罪, 刑法 186 违法发放贷款罪]
// params:
//   loan_type: {type: string, default: 经营贷}
//   max_days_before_loan: {type: int, default: 180, min: 1}
//   min_companies: {type: int, default: 3, min: 2}
// returns: [companies, company_count, shared, shared_count, capitals, loans, officers, members]
// backends: [neo4j, falkordb]
// tags: [loans, shell-companies, identifiers]
// inferred: true
// members: members
// score: company_count + shared_count
// explain_zh: "{company_count} 家新设且零申报、无社保的借款企业共用 {shared_count} 个标识（{shared}），成立后不久即申请经营贷 {loans}。"
// ---
MATCH (c:Company)-[ap:APPLIED_FOR]->(l:LoanAccount)
WHERE l.loan_type = $loan_type AND c.registered_on IS NOT NULL AND l.applied_on >= c.registered_on
  AND l.applied_on <= c.registered_on + $max_days_before_loan * 86400000
WITH DISTINCT c
CALL {
  WITH c
  OPTIONAL MATCH (c)-[fi:FILED]->(f:TaxFiling)
  RETURN sum(CASE WHEN coalesce(f.tax_paid, 0) > 0 OR coalesce(f.declared_revenue, 0) > 0
                  OR coalesce(f.social_insurance_count, 0) > 0 THEN 1 ELSE 0 END) AS paying
}
WITH c WHERE paying = 0
MATCH (c)-[r:LOCATED_AT|HAS_PHONE|REGISTERED_BY]->(i:Entity)
WITH i, c ORDER BY c.uid
WITH i, collect(DISTINCT c.uid) AS cs
WHERE size(cs) >= $min_companies
WITH cs, i ORDER BY i.uid
WITH cs, collect(i.uid) AS shared
CALL {
  WITH cs
  MATCH (c2:Company)-[ap2:APPLIED_FOR]->(l2:LoanAccount)
  WHERE c2.uid IN cs AND l2.loan_type = $loan_type
  OPTIONAL MATCH (l2)-[ab:APPROVED_BY]->(o:Person)
  WITH c2, l2, o ORDER BY l2.uid, o.uid
  RETURN collect(DISTINCT l2.uid) AS loans, collect(DISTINCT o.uid) AS officers,
         collect(DISTINCT c2.registered_capital) AS capitals
}
RETURN cs AS companies, size(cs) AS company_count, shared, size(shared) AS shared_count, capitals, loans, officers,
       cs + shared + loans + officers AS members
