// gtest assertions on Status and Result values, shared by the unit and integration tests.
#pragma once

#include <gtest/gtest.h>

#include <utility>

#include "myvault/status.h"

// Assertions on Status / Result values that print the message when they fail.
#define ASSERT_OK(expr)                                            \
  do {                                                             \
    const ::myvault::Status _it_st = (expr);                       \
    ASSERT_TRUE(_it_st.ok()) << #expr << ": " << _it_st.message(); \
  } while (0)
#define EXPECT_OK(expr)                                            \
  do {                                                             \
    const ::myvault::Status _it_st = (expr);                       \
    EXPECT_TRUE(_it_st.ok()) << #expr << ": " << _it_st.message(); \
  } while (0)
// `ASSERT_OK_AND_ASSIGN(auto x, F())`: declares x from a Result or fails the test.
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(MYVAULT_CONCAT_(_it_res_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(res, lhs, rexpr)                  \
  auto res = (rexpr);                                                \
  ASSERT_TRUE(res.ok()) << #rexpr << ": " << res.status().message(); \
  lhs = std::move(res).value()
