export { LoadingPanel as default } from '../../../../components/loading-panel.tsx';
