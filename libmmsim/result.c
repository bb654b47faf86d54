/* Version and result-code strings (generated from MMSIM_RESULT_LIST). */
#include "mmsim/mmsim.h"

const char *mmsim_version(void)
{
    return MMSIM_VERSION;
}

int mmsim_version_number(void)
{
    return MMSIM_VERSION_NUMBER;
}

const char *mmsim_strerror(int code)
{
    switch (code) {
#define MMSIM_X_CASE(name, value, msg)                                         \
    case value:                                                                \
        return msg;
        MMSIM_RESULT_LIST(MMSIM_X_CASE)
#undef MMSIM_X_CASE
    }
    return "unknown result code";
}
