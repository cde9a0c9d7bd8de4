#ifndef TOUCHSTONE_CGSL_SHIM_H
#define TOUCHSTONE_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_log.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_spmatrix.h>
#include <gsl/gsl_splinalg.h>

/* Swift 6 rejects direct use of C global variables ("not concurrency-safe");
   these accessors hand out the immutable GSL type descriptors instead. */
static inline const gsl_rng_type *cgsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_splinalg_itersolve_type *cgsl_splinalg_gmres(void) { return gsl_splinalg_itersolve_gmres; }

#endif
