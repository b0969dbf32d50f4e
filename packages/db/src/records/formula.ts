// One implementation of formulas for the browser and the server: the form engine's.
export { computeFormula } from '@dougong/forms';
