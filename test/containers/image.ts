/** The image the container tests run: the one .ci/run builds (docker/build-offline.sh), or FABRIC_EMU_IMAGE. */
export const IMAGE = process.env['FABRIC_EMU_IMAGE'] || 'fabric-emu:local';
