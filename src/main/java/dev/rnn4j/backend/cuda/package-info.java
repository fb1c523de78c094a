/**
 * The CUDA backend: {@link dev.rnn4j.backend.cuda.CudaBackend} over JCuda's driver API, kernels
 * from {@code cuda/*.cu} shipped as PTX/fatbin resources, GEMMs on cuBLAS 13 (JavaCPP presets) with
 * a kernel of our own as fallback, a caching device allocator. Loaded by reflection from {@link
 * dev.rnn4j.backend.Backends}, so the CPU path never touches it.
 */
package dev.rnn4j.backend.cuda;
