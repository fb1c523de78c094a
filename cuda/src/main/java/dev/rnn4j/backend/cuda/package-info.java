/**
 * The CUDA backend: {@link dev.rnn4j.backend.cuda.CudaBackend} over JCuda's driver API, kernels
 * from {@code cuda/*.cu} shipped as PTX/fatbin resources, GEMMs on cuBLAS 13 (JavaCPP presets) with
 * a kernel of our own as fallback, a caching device allocator. Found by {@link
 * dev.rnn4j.backend.Backends} through {@link dev.rnn4j.backend.cuda.CudaBackendProvider}
 * (ServiceLoader) and opened only when CUDA is asked for, so the CPU path never touches it.
 */
package dev.rnn4j.backend.cuda;
