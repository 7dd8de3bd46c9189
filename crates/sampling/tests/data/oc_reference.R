# Reference values for tests/oc.rs and tests/design.rs, computed independently in R
# (stats::pbinom, stats::phyper, stats::ppois, stats::optimize).
# Run: Rscript crates/sampling/tests/data/oc_reference.R   (R 4.2.2, Debian r-base-core)
options(digits = 15)
cat("# binomial: n c p Pa = pbinom(c, n, p)\n")
for (p in c(0.005, 0.01, 0.02, 0.05)) cat("binomial", 125, 3, p, pbinom(3, 125, p), "\n")
cat("# hypergeometric: N n c p Pa = phyper(c, D, N - D, n), D = round(N p)\n")
for (p in c(0.01, 0.02, 0.05)) { D <- round(1000 * p); cat("hypergeometric", 1000, 80, 2, p, phyper(2, D, 1000 - D, 80), "\n") }
for (p in c(0.01, 0.015, 0.02)) { D <- round(10000 * p); cat("hypergeometric", 10000, 1250, 21, p, phyper(21, D, 10000 - D, 1250), "\n") }
cat("# poisson: n c p Pa = ppois(c, n p)\n")
for (p in c(0.01, 0.05)) cat("poisson", 50, 1, p, ppois(1, 50 * p), "\n")
cat("# AOQL binomial: N n c  aoql  p_at (optimize on the bracket around the best of 10^5 grid points)\n")
aoql_binom <- function(N, n, c) {
  f <- function(p) pbinom(c, n, p) * p * (N - n) / N
  g <- seq(0, 1, length.out = 100001); k <- which.max(f(g))
  o <- optimize(f, c(g[max(1, k - 1)], g[min(100001, k + 1)]), maximum = TRUE, tol = 1e-12)
  cat("aoql_binomial", N, n, c, o$objective, o$maximum, "\n")
}
aoql_binom(1000, 80, 2); aoql_binom(10000, 125, 3)
cat("# AOQL hypergeometric: N n c  aoql  D/N at the maximum over all D = 0..N\n")
aoql_hyper <- function(N, n, c) {
  D <- 0:N; a <- phyper(c, D, N - D, n) * (D / N) * (N - n) / N; k <- which.max(a)
  cat("aoql_hypergeometric", N, n, c, a[k], D[k] / N, "\n")
}
aoql_hyper(1000, 80, 2); aoql_hyper(10000, 1250, 21)
cat("# design: aql ltpd alpha beta -> n c producer_risk consumer_risk\n")
design <- function(aql, ltpd, alpha, beta) {
  for (c in 0:200) {
    n <- c + 1; while (pbinom(c, n, ltpd) > beta) n <- n + 1
    if (pbinom(c, n, aql) >= 1 - alpha) {
      cat("design", aql, ltpd, alpha, beta, n, c, 1 - pbinom(c, n, aql), pbinom(c, n, ltpd), "\n"); return(invisible())
    }
  }
}
design(0.01, 0.06, 0.05, 0.10); design(0.005, 0.03, 0.05, 0.10); design(0.02, 0.08, 0.05, 0.10); design(0.001, 0.01, 0.05, 0.10)
cat("# rejection: model N n c p  P(X > c) as R's upper tail (lower.tail = FALSE), not 1 - Pa\n")
for (p in c(0.001, 0.0004)) { D <- round(50000 * p); cat("rejection_hypergeometric", 50000, 500, 10, p, phyper(10, D, 50000 - D, 500, lower.tail = FALSE), "\n") }
D <- round(1000 * 0.02); cat("rejection_hypergeometric", 1000, 80, 2, 0.02, phyper(2, D, 1000 - D, 80, lower.tail = FALSE), "\n")
for (p in c(0.001, 0.0001)) cat("rejection_binomial", 50000, 500, 10, p, pbinom(10, 500, p, lower.tail = FALSE), "\n")
cat("rejection_poisson", 50000, 500, 10, 0.001, ppois(10, 500 * 0.001, lower.tail = FALSE), "\n")
