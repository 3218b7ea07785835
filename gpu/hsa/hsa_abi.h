/* gpu/hsa/hsa_abi.h - the few HSA types, enums and structs the runtime
 * (runtime.c) uses, declared here so that nothing includes or links the HSA
 * package at build time: the library is loaded with dlopen.
 *
 * Source of every number and layout: hsa.h and hsa_ext_amd.h of ROCr 5.2.3
 * (Debian libhsa-runtime-dev 5.2.3-3, HSA_LARGE_MODEL / little endian). */
#ifndef JP_HSA_ABI_H
#define JP_HSA_ABI_H

#include <stdint.h>

typedef int hsa_status_t;
typedef struct { uint64_t handle; } hsa_agent_t;
typedef struct { uint64_t handle; } hsa_signal_t;
typedef struct { uint64_t handle; } hsa_isa_t;
typedef struct { uint64_t handle; } hsa_amd_memory_pool_t;
typedef struct { uint64_t handle; } hsa_code_object_reader_t;
typedef struct { uint64_t handle; } hsa_executable_t;
typedef struct { uint64_t handle; } hsa_executable_symbol_t;
typedef struct { uint64_t handle; } hsa_loaded_code_object_t;
typedef int64_t hsa_signal_value_t;

/* hsa_status_t */
#define HSA_STATUS_SUCCESS 0x0
#define HSA_STATUS_INFO_BREAK 0x1
#define HSA_STATUS_ERROR 0x1000
#define HSA_STATUS_ERROR_OUT_OF_RESOURCES 0x1008
#define HSA_STATUS_ERROR_NOT_INITIALIZED 0x100B

/* hsa_system_info_t */
#define HSA_SYSTEM_INFO_TIMESTAMP 2
#define HSA_SYSTEM_INFO_TIMESTAMP_FREQUENCY 3

/* hsa_agent_info_t, hsa_device_type_t, hsa_agent_feature_t */
#define HSA_AGENT_INFO_NAME 0                   /* char[64] */
#define HSA_AGENT_INFO_FEATURE 2
#define HSA_AGENT_INFO_WAVEFRONT_SIZE 6         /* uint32_t */
#define HSA_AGENT_INFO_QUEUE_MAX_SIZE 14        /* uint32_t */
#define HSA_AGENT_INFO_DEVICE 17
#define HSA_AMD_AGENT_INFO_COMPUTE_UNIT_COUNT 0xA002    /* uint32_t */
#define HSA_AMD_AGENT_INFO_PRODUCT_NAME 0xA009          /* char[64] */
#define HSA_DEVICE_TYPE_CPU 0
#define HSA_DEVICE_TYPE_GPU 1
#define HSA_AGENT_FEATURE_KERNEL_DISPATCH 1

/* hsa_isa_info_t */
#define HSA_ISA_INFO_NAME_LENGTH 0
#define HSA_ISA_INFO_NAME 1

/* hsa_amd_memory_pool_info_t, hsa_amd_segment_t, global flags */
#define HSA_AMD_MEMORY_POOL_INFO_SEGMENT 0
#define HSA_AMD_MEMORY_POOL_INFO_GLOBAL_FLAGS 1
#define HSA_AMD_MEMORY_POOL_INFO_RUNTIME_ALLOC_ALLOWED 5
#define HSA_AMD_SEGMENT_GLOBAL 0
#define HSA_AMD_MEMORY_POOL_GLOBAL_FLAG_KERNARG_INIT 1
#define HSA_AMD_MEMORY_POOL_GLOBAL_FLAG_FINE_GRAINED 2
#define HSA_AMD_MEMORY_POOL_GLOBAL_FLAG_COARSE_GRAINED 4

/* executables */
#define HSA_PROFILE_FULL 1
#define HSA_DEFAULT_FLOAT_ROUNDING_MODE_DEFAULT 0
#define HSA_EXECUTABLE_SYMBOL_INFO_KERNEL_KERNARG_SEGMENT_SIZE 11   /* uint32_t */
#define HSA_EXECUTABLE_SYMBOL_INFO_KERNEL_GROUP_SEGMENT_SIZE 13     /* uint32_t */
#define HSA_EXECUTABLE_SYMBOL_INFO_KERNEL_PRIVATE_SEGMENT_SIZE 14   /* uint32_t */
#define HSA_EXECUTABLE_SYMBOL_INFO_KERNEL_OBJECT 22                 /* uint64_t */

/* queues, packets, signals */
#define HSA_QUEUE_TYPE_MULTI 0
#define HSA_PACKET_TYPE_INVALID 1
#define HSA_PACKET_TYPE_KERNEL_DISPATCH 2
#define HSA_PACKET_HEADER_TYPE 0
#define HSA_PACKET_HEADER_BARRIER 8
#define HSA_PACKET_HEADER_SCACQUIRE_FENCE_SCOPE 9
#define HSA_PACKET_HEADER_SCRELEASE_FENCE_SCOPE 11
#define HSA_FENCE_SCOPE_SYSTEM 2
#define HSA_KERNEL_DISPATCH_PACKET_SETUP_DIMENSIONS 0
#define HSA_SIGNAL_CONDITION_EQ 0
#define HSA_WAIT_STATE_BLOCKED 0

typedef struct hsa_queue_s {
    uint32_t type;
    uint32_t features;
    void *base_address;
    hsa_signal_t doorbell_signal;
    uint32_t size;
    uint32_t reserved1;
    uint64_t id;
} hsa_queue_t;

typedef struct hsa_kernel_dispatch_packet_s {
    uint16_t header;
    uint16_t setup;
    uint16_t workgroup_size_x;
    uint16_t workgroup_size_y;
    uint16_t workgroup_size_z;
    uint16_t reserved0;
    uint32_t grid_size_x;           /* work-items, not workgroups */
    uint32_t grid_size_y;
    uint32_t grid_size_z;
    uint32_t private_segment_size;
    uint32_t group_segment_size;
    uint64_t kernel_object;
    void *kernarg_address;
    uint64_t reserved2;
    hsa_signal_t completion_signal;
} hsa_kernel_dispatch_packet_t;

typedef struct hsa_amd_profiling_dispatch_time_s {
    uint64_t start;
    uint64_t end;
} hsa_amd_profiling_dispatch_time_t;

_Static_assert(sizeof(hsa_queue_t) == 40, "hsa_queue_t layout");
_Static_assert(sizeof(hsa_kernel_dispatch_packet_t) == 64, "AQL packets are 64 bytes");

#endif
