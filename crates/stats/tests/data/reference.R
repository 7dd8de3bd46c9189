# Reference values for lotgate-stats, computed independently in GNU R.
#
# Re-run from this directory:   Rscript reference.R
# Tested with R 4.2.2 (Debian r-base-core 4.2.2.20221110-2) and nortest 1.0-4
# (Debian r-cran-nortest 1.0-4-3). Writes, per dataset NAME:
#   NAME.csv           the measurements, one per line, production order
#   NAME.expected.csv  quantity,value,r_expression  (inputs are prefixed spec_)
# The data are drawn with set.seed() (Mersenne-Twister, Inversion; stable
# across R versions) and rounded to gauge resolution, so re-running
# reproduces the committed files byte for byte.

library(nortest)

# d2 for subgroup sizes 2..25: Montgomery, Introduction to Statistical Quality
# Control, Appendix VI (ASTM STP 15D); the same table as constants.rs, typed
# again here from the book rather than copied from the Rust source.
d2 <- c(NA, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078,
        3.173, 3.258, 3.336, 3.407, 3.472, 3.532, 3.588, 3.640, 3.689,
        3.735, 3.778, 3.819, 3.858, 3.895, 3.931)
A2 <- c(NA, 1.880, 1.023, 0.729, 0.577, 0.483, 0.419, 0.373, 0.337, 0.308)
D3 <- c(NA, 0, 0, 0, 0, 0, 0.076, 0.136, 0.184, 0.223)
D4 <- c(NA, 3.267, 2.574, 2.282, 2.114, 2.004, 1.924, 1.864, 1.816, 1.777)

fmt <- function(v) if (is.na(v)) "NA" else sprintf("%.17g", v)

# Each row is evaluated in `env`, which holds the data x, n, the subgroup
# size k, the inputs nominal/lsl/usl/golden, the tables above and g (the
# complete subgroups, one per row). A row may name its result (`as`) so that
# later expressions can use it: rbar, sw (sigma within), cpk.
reference <- function(name, seed, draw, k, nominal = NA, lsl = NA, usl = NA, golden = NA) {
  set.seed(seed)
  writeLines(sprintf("%.3f", draw()), paste0(name, ".csv"))
  x <- as.numeric(readLines(paste0(name, ".csv")))  # exactly what Rust reads
  n <- length(x)
  env <- list2env(list(x = x, n = n, k = k, nominal = nominal, lsl = lsl, usl = usl,
                       golden = golden, d2 = d2, A2 = A2, D3 = D3, D4 = D4,
                       g = matrix(x[seq_len((n %/% max(k, 1)) * k)], ncol = k, byrow = TRUE)))
  rows <- list()
  add <- function(q, expr, as = NULL) {
    v <- eval(parse(text = expr), env)
    if (!is.null(as)) assign(as, v, envir = env)
    rows[[length(rows) + 1]] <<- c(q, fmt(v), expr)
  }
  add("spec_nominal", "nominal"); add("spec_lsl", "lsl"); add("spec_usl", "usl")
  add("spec_golden_sample", "golden"); add("spec_subgroup_size", "k")
  add("n", "length(x)")
  add("mean", "mean(x)"); add("sd", "sd(x)")
  add("min", "min(x)"); add("max", "max(x)"); add("median", "median(x)")
  add("range", "max(x) - min(x)")
  add("deviation_from_nominal", "mean(x) - nominal")
  add("deviation_from_nominal_pct_of_tolerance", "100 * (mean(x) - nominal) / (usl - lsl)")
  add("deviation_from_golden_sample", "mean(x) - golden")
  add("count_below_lsl", "if (is.na(lsl)) NA else sum(x < lsl)")
  add("count_above_usl", "if (is.na(usl)) NA else sum(x > usl)")
  if (k == 1) {
    add("spread_centre", "mean(abs(diff(x)))", as = "rbar")
    add("location_centre", "mean(x)", as = "centre")
    add("sigma_within", "rbar / d2[2]", as = "sw")
    add("location_ucl", "centre + 3 * sw")
    add("location_lcl", "centre - 3 * sw")
    add("spread_ucl", "D4[2] * rbar")
    add("spread_lcl", "D3[2] * rbar")
  } else {
    add("spread_centre", "mean(apply(g, 1, function(r) max(r) - min(r)))", as = "rbar")
    add("location_centre", "mean(rowMeans(g))", as = "centre")
    add("sigma_within", "rbar / d2[k]", as = "sw")
    add("location_ucl", "centre + A2[k] * rbar")
    add("location_lcl", "centre - A2[k] * rbar")
    add("spread_ucl", "D4[k] * rbar")
    add("spread_lcl", "D3[k] * rbar")
  }
  add("cp", "(usl - lsl) / (6 * sw)")
  add("cpu", "(usl - mean(x)) / (3 * sw)")
  add("cpl", "(mean(x) - lsl) / (3 * sw)")
  add("cpk", "min(c((usl - mean(x)) / (3 * sw), (mean(x) - lsl) / (3 * sw)), na.rm = TRUE)", as = "cpk")
  add("pp", "(usl - lsl) / (6 * sd(x))")
  add("ppk", "min(c((usl - mean(x)) / (3 * sd(x)), (mean(x) - lsl) / (3 * sd(x))), na.rm = TRUE)")
  add("ppm_below_lsl", "1e6 * pnorm(lsl, mean(x), sd(x))")
  add("ppm_above_usl", "1e6 * pnorm(usl, mean(x), sd(x), lower.tail = FALSE)")
  add("cpk_ci_lower", "cpk - qnorm(0.975) * sqrt(1 / (9 * n) + cpk^2 / (2 * (n - 1)))")
  add("cpk_ci_upper", "cpk + qnorm(0.975) * sqrt(1 / (9 * n) + cpk^2 / (2 * (n - 1)))")
  add("anderson_darling", "unname(nortest::ad.test(x)$statistic)")
  add("anderson_darling_p", "nortest::ad.test(x)$p.value")
  write.table(do.call(rbind, rows), paste0(name, ".expected.csv"), sep = ",",
              quote = 3, row.names = FALSE,
              col.names = c("quantity", "value", "r_expression"))
}

# 1. Shaft diameter (mm), individual values, two-sided spec, golden sample.
reference("shaft_individuals", 101, function() rnorm(40, 25.003, 0.012), 1,
    nominal = 25.000, lsl = 24.970, usl = 25.030, golden = 25.001)
# 2. Bore depth (mm), 10 rational subgroups of 5, off-centre process.
reference("bore_subgroups5", 202, function() rnorm(50, 12.02, 0.03), 5,
    nominal = 12.00, lsl = 11.90, usl = 12.10, golden = 12.005)
# 3. Tensile strength (MPa), lower limit only, skewed, subgroups of 4 with
#    3 trailing values that fill no subgroup.
reference("tensile_lsl_only", 303, function() 400 + 10 * rexp(23), 4,
    lsl = 395, golden = 412.3)
