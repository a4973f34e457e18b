// The seed article's app as `next start` serves it; no custom server.
/** @type {import('next').NextConfig} */
const nextConfig = { poweredByHeader: false };
export default nextConfig;
